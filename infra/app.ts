// The CDK app (cdk.json runs it; `npm run synth` offline into infra/cdk.out/).
// An environment's context is a file, infra/environments/<name>.json, chosen with
// `-c environment=<name>`; a key given with -c (or CDK_CONTEXT_JSON) wins over the file's.
// The stack reads and checks its context itself (infra/context.ts and its readers), so that an
// error names the key the operator typed; nothing here has a default standing in for a real value.
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { withAwsSolutionsChecks } from './checks';
import { ContextError } from './context';
import { SiriusGatewayStack } from './sirius-gateway-stack';

// Under the CDK CLI the assembly goes where it says (cdk.json: infra/cdk.out, or --output).
// cdk-nag's AwsSolutions rules run on every synthesis: an unacknowledged finding fails it.
const app = withAwsSolutionsChecks(new App({ outdir: process.env.CDK_OUTDIR ?? 'infra/cdk.out' }));
const name = app.node.tryGetContext('environment') as unknown;
if (typeof name !== 'string' || !/^[a-z0-9-]+$/.test(name)) {
  throw new ContextError('environment', `must name a file in infra/environments/ (e.g. -c environment=example); got ${JSON.stringify(name)}`);
}
const file = JSON.parse(readFileSync(new URL(`./environments/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
for (const [key, value] of Object.entries(file)) {
  if (key !== '//' && app.node.tryGetContext(key) === undefined) app.node.setContext(key, value);
}
const required = (key: string): string => {
  const value = app.node.tryGetContext(key) as unknown;
  if (typeof value !== 'string' || value === '') throw new ContextError(key, `is required (in infra/environments/${name}.json or -c ${key}=...)`);
  return value;
};
const concurrency = app.node.tryGetContext('reservedConcurrency') as unknown;

new SiriusGatewayStack(app, 'SiriusGateway', {
  env: { account: required('account'), region: required('region') },
  siriusBaseUrl: required('siriusBaseUrl'),
  siriusSigningSecretName: required('siriusSigningSecretName'),
  codePath: 'dist/lambda',
  reservedConcurrency: concurrency === undefined ? undefined : Number(concurrency),
  tracesEndpoint: app.node.tryGetContext('tracesEndpoint'),
});
app.synth();
