// `npm run synth`: the CloudFormation template, offline, into infra/cdk.out/.
// The LPA Store, event bus and LPA Store events context (lpaStore*, eventBusArn,
// lpaStoreEventBusName) is read and checked by the stack itself (infra/context.ts), so that its
// errors name the key; give it with -c or CDK_CONTEXT_JSON.
import { App } from 'aws-cdk-lib';
import { SiriusGatewayStack } from './sirius-gateway-stack';

const app = new App({ outdir: 'infra/cdk.out' });
new SiriusGatewayStack(app, 'SiriusGateway', {
  siriusBaseUrl: app.node.tryGetContext('siriusBaseUrl') ?? 'https://sirius.internal.example',
  siriusSigningSecretName: app.node.tryGetContext('siriusSigningSecretName') ?? 'sirius-gateway/sirius-jwt-secret',
  codePath: 'dist',
  reservedConcurrency: Number(app.node.tryGetContext('reservedConcurrency') ?? 50),
  tracesEndpoint: app.node.tryGetContext('tracesEndpoint'),
});
app.synth();
