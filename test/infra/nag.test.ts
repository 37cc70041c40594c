// cdk-nag's AwsSolutions rules (infra/checks.ts, also run by `cdk synth`) on every shape the stack
// takes: a finding fails synthesis unless acknowledged beside its construct with a reason.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { withAwsSolutionsChecks } from '../../infra/checks';
import { EVENT_BUS_ARN, LPA_STORE_EVENT_BUS, stackWith, STORE_CONTEXT } from './support';

const SHAPES: Record<string, Record<string, unknown>> = {
  'Sirius only, REGIONAL, no subscribers': {},
  'the LPA Store, its events, the event bus and alarm subscribers': {
    ...STORE_CONTEXT,
    eventBusArn: EVENT_BUS_ARN,
    lpaStoreEventBusName: LPA_STORE_EVENT_BUS,
    alarmEmails: ['oncall@example.org'],
    alarmHttpsEndpoints: ['https://events.pagerduty.example/integration/abc/enqueue'],
  },
  'a custom domain and restricted callers': {
    apiDomainName: 'api.sirius-gateway.example.gov.uk',
    apiCertificateArn: 'arn:aws:acm:eu-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    apiAllowedSourceCidrs: ['10.20.0.0/16'],
  },
  'PRIVATE, behind VPC endpoints, endpoints already in the VPC': {
    apiEndpointType: 'PRIVATE',
    apiVpcEndpointIds: ['vpce-0123456789abcdef0'],
    vpcEndpointsExist: true,
    vpcEndpointsSecurityGroupId: 'sg-0123456789abcdef0',
  },
};

interface Report {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[] }[];
}

function synthesisedWithChecks(context: Record<string, unknown>, id: string): { app: App; error?: Error; report?: Report } {
  let app: App | undefined;
  stackWith(context, id, (created) => (app = withAwsSolutionsChecks(created)));
  try {
    app!.synth();
  } catch (error) {
    return { app: app!, error: error as Error };
  }
  const path = join(app!.outdir, 'validation-report.json');
  return { app: app!, report: existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Report) : undefined };
}

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Recorded as { "<plugin prefix>::<rule id>": reason }.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^Annotation::/, ''), reason })),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.entries(SHAPES))('%s: no error and no warning left unacknowledged', (_, context) => {
    const { error, report } = synthesisedWithChecks(context, 'Nag');
    expect(error?.message ?? '').toBe('');
    // Warnings do not fail synthesis: the report lists them, and there must be none.
    const violations = (report?.pluginReports ?? []).flatMap((plugin) => plugin.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`));
    expect(violations).toEqual([]);
  }, 60_000);

  it('every acknowledgement carries its reason (a sentence, not a placeholder)', () => {
    const { app } = synthesisedWithChecks(SHAPES['the LPA Store, its events, the event bus and alarm subscribers']!, 'NagReasons');
    const acknowledged = acknowledgements(app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledged) {
      expect(id, path).toMatch(/^AwsSolutions-/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(40);
    }
  }, 60_000);

  it('still finds what it should: a role given a wildcard action fails synthesis, naming the rule', async () => {
    const iam = await import('aws-cdk-lib/aws-iam');
    let app: App | undefined;
    const stack = stackWith({}, 'NagMutated', (created) => (app = withAwsSolutionsChecks(created)));
    const role = stack.node.findAll().find((c) => c instanceof iam.Role && c.node.id === 'GatewayRole') as InstanceType<typeof iam.Role>;
    role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
    expect(() => app!.synth()).toThrow(/AwsSolutions-IAM5/);
  }, 60_000);
});
