// The functions in private subnets of an existing VPC, with egress only on 443 to named peers, and
// the VPC endpoints they reach AWS through (infra/constructs/network.ts).
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_CONTEXT, EVENT_BUS_ARN, idOf, LPA_STORE_EVENT_BUS, stackWith, STORE_CONTEXT } from './support';

const SUBNETS = BASE_CONTEXT.vpcPrivateSubnetIds as string[];
const ROUTE_TABLES = BASE_CONTEXT.vpcPrivateRouteTableIds as string[];
const SIRIUS = BASE_CONTEXT.siriusCidrs as string[];
const DYNAMODB_PL = BASE_CONTEXT.dynamoDbPrefixListId as string;
const JWKS_PL = BASE_CONTEXT.egressToCognitoJwks as string;
const STORE_PL = STORE_CONTEXT.egressToLpaStore;
const EXISTING_ENDPOINTS_SG = 'sg-0123456789abcdef0';

let template: Template;
let withStore: Template;
let withEvents: Template;
/** The VPC's owners provide the endpoints. */
let endpointsExist: Template;
/** The store reached at CIDRs (an egress proxy, say) rather than a prefix list. */
let storeCidrs: Template;
beforeAll(() => {
  template = Template.fromStack(stackWith({}, 'NetBase'));
  withStore = Template.fromStack(stackWith({ ...STORE_CONTEXT, eventBusArn: EVENT_BUS_ARN }, 'NetStore'));
  withEvents = Template.fromStack(stackWith({ ...STORE_CONTEXT, eventBusArn: EVENT_BUS_ARN, lpaStoreEventBusName: LPA_STORE_EVENT_BUS }, 'NetEvents'));
  endpointsExist = Template.fromStack(
    stackWith(
      { ...STORE_CONTEXT, lpaStoreEventBusName: LPA_STORE_EVENT_BUS, vpcEndpointsExist: true, vpcEndpointsSecurityGroupId: EXISTING_ENDPOINTS_SG, vpcPrivateRouteTableIds: undefined },
      'NetExisting',
    ),
  );
  storeCidrs = Template.fromStack(stackWith({ ...STORE_CONTEXT, lpaStoreEventBusName: LPA_STORE_EVENT_BUS, egressToLpaStore: ['10.200.0.0/24', '10.200.1.0/24'] }, 'NetCidrs'));
}, 180_000);

type Rule = { to: string; port: string; description?: string };
const functionOf = (t: Template, handler: string) => {
  const found = Object.entries(t.findResources('AWS::Lambda::Function', { Properties: { Handler: handler } }));
  expect(found, handler).toHaveLength(1);
  return found[0]![1].Properties as Record<string, any>;
};
const groupOf = (t: Template, handler: string): string => {
  const ids = functionOf(t, handler).VpcConfig.SecurityGroupIds as { 'Fn::GetAtt': [string, string] }[];
  expect(ids).toHaveLength(1);
  return ids[0]!['Fn::GetAtt'][0];
};
const destination = (rule: Record<string, any>): string =>
  rule.CidrIp ?? rule.CidrIpv6 ?? rule.DestinationPrefixListId ?? (typeof rule.DestinationSecurityGroupId === 'string' ? rule.DestinationSecurityGroupId : `sg:${rule.DestinationSecurityGroupId['Fn::GetAtt'][0]}`);
const portOf = (rule: Record<string, any>) => `${rule.IpProtocol}/${rule.FromPort}-${rule.ToPort}`;
/** Every egress rule of a group: its own SecurityGroupEgress property, and SecurityGroupEgress resources on it. */
function egressOf(t: Template, group: string): Rule[] {
  const inline = (t.toJSON().Resources[group].Properties.SecurityGroupEgress ?? []) as Record<string, any>[];
  const separate = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: { 'Fn::GetAtt': [group, 'GroupId'] } } })).map((r) => r.Properties as Record<string, any>);
  return [...inline, ...separate].map((rule) => ({ to: destination(rule), port: portOf(rule) })).sort((a, b) => `${a.to}${a.port}`.localeCompare(`${b.to}${b.port}`));
}
const rules = (to: string[], port = 'tcp/443-443'): Rule[] => to.map((t) => ({ to: t, port })).sort((a, b) => `${a.to}${a.port}`.localeCompare(`${b.to}${b.port}`));
const NO_TRAFFIC = { to: '255.255.255.255/32', port: 'icmp/252-86' };

describe('infra: the functions in the VPC', () => {
  it('runs the gateway function in the private subnets with its own security group, in every shape of the stack', () => {
    for (const t of [template, withStore, withEvents, endpointsExist]) {
      const vpcConfig = functionOf(t, 'lambda.handler').VpcConfig;
      expect(vpcConfig.SubnetIds).toEqual(SUBNETS);
      expect(groupOf(t, 'lambda.handler')).toBe(idOf(t, 'AWS::EC2::SecurityGroup', 'GatewaySecurityGroup'));
    }
  });

  it('runs the events function in the same private subnets with a security group of its own', () => {
    for (const t of [withEvents, endpointsExist, storeCidrs]) {
      expect(functionOf(t, 'events.handler').VpcConfig.SubnetIds).toEqual(SUBNETS);
      expect(groupOf(t, 'events.handler')).toBe(idOf(t, 'AWS::EC2::SecurityGroup', 'EventsSecurityGroup'));
      expect(groupOf(t, 'events.handler')).not.toBe(groupOf(t, 'lambda.handler'));
    }
    // No events path, no events group.
    expect(Object.keys(withStore.findResources('AWS::EC2::SecurityGroup')).filter((id) => id.startsWith('EventsSecurityGroup'))).toEqual([]);
  });

  it("gateway: 443 only, to Sirius's CIDRs, Cognito's JWKS, DynamoDB's prefix list and the endpoints' group; the LPA Store only with it", () => {
    const endpoints = `sg:${idOf(template, 'AWS::EC2::SecurityGroup', 'EndpointsSecurityGroup')}`;
    expect(egressOf(template, groupOf(template, 'lambda.handler'))).toEqual(rules([...SIRIUS, JWKS_PL, DYNAMODB_PL, endpoints]));
    expect(egressOf(withEvents, groupOf(withEvents, 'lambda.handler'))).toEqual(rules([...SIRIUS, JWKS_PL, STORE_PL, DYNAMODB_PL, endpoints]));
  });

  it('events function: 443 only, to the LPA Store, DynamoDB and the endpoints: never Sirius or Cognito', () => {
    const endpoints = `sg:${idOf(withEvents, 'AWS::EC2::SecurityGroup', 'EndpointsSecurityGroup')}`;
    // The no-traffic rule keeps EC2's default allow-all out of a group whose rules are all resources of their own.
    expect(egressOf(withEvents, groupOf(withEvents, 'events.handler'))).toEqual([...rules([STORE_PL, DYNAMODB_PL, endpoints]), NO_TRAFFIC].sort((a, b) => `${a.to}${a.port}`.localeCompare(`${b.to}${b.port}`)));
    expect(egressOf(storeCidrs, groupOf(storeCidrs, 'events.handler'))).toEqual(
      rules(['10.200.0.0/24', '10.200.1.0/24', DYNAMODB_PL, `sg:${idOf(storeCidrs, 'AWS::EC2::SecurityGroup', 'EndpointsSecurityGroup')}`]),
    );
  });

  it('no security group anywhere allows egress to 0.0.0.0/0 or ::/0, and every one states its egress (so EC2 adds no default allow-all)', () => {
    for (const t of [template, withStore, withEvents, endpointsExist, storeCidrs]) {
      for (const [id, group] of Object.entries(t.findResources('AWS::EC2::SecurityGroup'))) {
        const egress = group.Properties.SecurityGroupEgress as Record<string, any>[] | undefined;
        expect(egress?.length, `${id} has no SecurityGroupEgress: EC2 would add allow-all`).toBeGreaterThan(0);
        for (const rule of egress!) {
          expect(rule.CidrIp, id).not.toBe('0.0.0.0/0');
          expect(rule.CidrIpv6, id).toBeUndefined();
          expect(rule.IpProtocol, id).not.toBe('-1');
        }
      }
      for (const [id, rule] of Object.entries(t.findResources('AWS::EC2::SecurityGroupEgress'))) {
        expect(rule.Properties.CidrIp, id).not.toBe('0.0.0.0/0');
        expect(rule.Properties.CidrIpv6, id).toBeUndefined();
        expect([rule.Properties.IpProtocol, rule.Properties.FromPort, rule.Properties.ToPort], id).toEqual(['tcp', 443, 443]);
      }
    }
  });
});

describe('infra: the VPC endpoints', () => {
  const interfaceEndpoints = (t: Template): Record<string, Record<string, any>> =>
    Object.fromEntries(
      Object.values(t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })).map((r) => [String(r.Properties.ServiceName).split('.').pop(), r.Properties]),
    );

  it('has interface endpoints, private DNS on, in the private subnets, for Secrets Manager, KMS and CloudWatch Logs; EventBridge with eventBusArn; never cognito-idp', () => {
    const endpointsGroup = { 'Fn::GetAtt': [idOf(template, 'AWS::EC2::SecurityGroup', 'EndpointsSecurityGroup'), 'GroupId'] };
    expect(Object.keys(interfaceEndpoints(template)).sort()).toEqual(['kms', 'logs', 'secretsmanager']);
    expect(Object.keys(interfaceEndpoints(withStore)).sort()).toEqual(['events', 'kms', 'logs', 'secretsmanager']);
    for (const properties of Object.values(interfaceEndpoints(template))) {
      expect(properties).toMatchObject({ PrivateDnsEnabled: true, SubnetIds: SUBNETS, SecurityGroupIds: [endpointsGroup], VpcId: BASE_CONTEXT.vpcId });
      expect(properties.ServiceName).toMatch(/^com\.amazonaws\.eu-west-2\./);
    }
    // A user pool with a domain is incompatible with PrivateLink: an endpoint would break the JWKS fetch.
    for (const t of [template, withStore, withEvents]) expect(JSON.stringify(t.findResources('AWS::EC2::VPCEndpoint'))).not.toContain('cognito');
  });

  it('has a DynamoDB gateway endpoint on the private route tables', () => {
    const gateways = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));
    expect(gateways).toHaveLength(1);
    expect(gateways[0]!.Properties.RouteTableIds).toEqual(ROUTE_TABLES);
    expect(JSON.stringify(gateways[0]!.Properties.ServiceName)).toContain('.dynamodb');
  });

  it("the endpoints' group accepts 443 from the functions' groups only, and sends nothing", () => {
    for (const t of [template, withEvents]) {
      const group = idOf(t, 'AWS::EC2::SecurityGroup', 'EndpointsSecurityGroup');
      expect(t.toJSON().Resources[group].Properties.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: { 'Fn::GetAtt': [group, 'GroupId'] } } })).map((r) => r.Properties);
      const functionGroups = [groupOf(t, 'lambda.handler'), ...(t === withEvents ? [groupOf(t, 'events.handler')] : [])];
      expect(ingress.map((r) => [r.SourceSecurityGroupId['Fn::GetAtt'][0], r.IpProtocol, r.FromPort, r.ToPort]).sort()).toEqual(functionGroups.map((g) => [g, 'tcp', 443, 443]).sort());
      expect(egressOf(t, group)).toEqual([NO_TRAFFIC]);
    }
  });

  it("with vpcEndpointsExist: no endpoint and no endpoints' group made, and egress to the existing group", () => {
    endpointsExist.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(Object.keys(endpointsExist.findResources('AWS::EC2::SecurityGroup')).sort()).toEqual([expect.stringMatching(/^EventsSecurityGroup/), expect.stringMatching(/^GatewaySecurityGroup/)]);
    // Their group is theirs: no rule is added to it.
    endpointsExist.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    expect(egressOf(endpointsExist, groupOf(endpointsExist, 'lambda.handler'))).toEqual(rules([...SIRIUS, JWKS_PL, STORE_PL, DYNAMODB_PL, EXISTING_ENDPOINTS_SG]));
    expect(egressOf(endpointsExist, groupOf(endpointsExist, 'events.handler'))).toEqual([...rules([STORE_PL, DYNAMODB_PL, EXISTING_ENDPOINTS_SG]), NO_TRAFFIC].sort((a, b) => `${a.to}${a.port}`.localeCompare(`${b.to}${b.port}`)));
  });
});

describe('infra: network context refused at synth, naming the key', () => {
  it.each([
    ['no VPC id', { vpcId: undefined }, /^context vpcId is required/],
    ['a malformed VPC id', { vpcId: 'vpc-123' }, /^context vpcId must be a VPC id/],
    ['a VPC name instead of its id', { vpcId: 'main-vpc' }, /^context vpcId must be a VPC id/],
    ['no availability zones', { vpcAvailabilityZones: undefined }, /^context vpcAvailabilityZones is required/],
    ['one availability zone', { vpcAvailabilityZones: ['eu-west-2a'], vpcPrivateSubnetIds: [SUBNETS[0]], vpcPrivateRouteTableIds: [ROUTE_TABLES[0]] }, /^context vpcAvailabilityZones must name at least two/],
    ['zones of another region', { vpcAvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] }, /^context vpcAvailabilityZones must be availability zones of the stack's region eu-west-2/],
    ['a zone id instead of its name', { vpcAvailabilityZones: ['euw2-az1', 'euw2-az2', 'euw2-az3'] }, /^context vpcAvailabilityZones must be a list of availability zone names/],
    ['zones as one string', { vpcAvailabilityZones: 'eu-west-2a,eu-west-2b' }, /^context vpcAvailabilityZones must be a non-empty list/],
    ['no subnets', { vpcPrivateSubnetIds: undefined }, /^context vpcPrivateSubnetIds is required/],
    ['fewer subnets than zones', { vpcPrivateSubnetIds: SUBNETS.slice(0, 2) }, /^context vpcPrivateSubnetIds must have one entry per availability zone/],
    ['a malformed subnet id', { vpcPrivateSubnetIds: [SUBNETS[0], SUBNETS[1], 'subnet-XYZ'] }, /^context vpcPrivateSubnetIds must be a list of subnet ids/],
    ['a subnet twice', { vpcPrivateSubnetIds: [SUBNETS[0], SUBNETS[0], SUBNETS[2]] }, /^context vpcPrivateSubnetIds must not repeat/],
    ['no route tables (endpoints to make)', { vpcPrivateRouteTableIds: undefined }, /^context vpcPrivateRouteTableIds is required unless vpcEndpointsExist/],
    ['route tables of the wrong length', { vpcPrivateRouteTableIds: ROUTE_TABLES.slice(0, 1) }, /^context vpcPrivateRouteTableIds must have one entry per availability zone/],
    ['a malformed route table id', { vpcPrivateRouteTableIds: ['rtb-1', 'rtb-2', 'rtb-3'] }, /^context vpcPrivateRouteTableIds must be a list of route table ids/],
    ['existing endpoints without their group', { vpcEndpointsExist: true }, /^context vpcEndpointsSecurityGroupId is required with vpcEndpointsExist: true/],
    ['an endpoints group without vpcEndpointsExist', { vpcEndpointsSecurityGroupId: EXISTING_ENDPOINTS_SG }, /^context vpcEndpointsSecurityGroupId is only read with vpcEndpointsExist: true/],
    ['vpcEndpointsExist not a boolean', { vpcEndpointsExist: 'yes', vpcEndpointsSecurityGroupId: EXISTING_ENDPOINTS_SG }, /^context vpcEndpointsExist must be true or false/],
    ['a mistyped VPC key', { vpcSubnetIds: SUBNETS }, /^context vpcSubnetIds is not a context key this stack reads/],
    ['no Sirius CIDRs', { siriusCidrs: undefined }, /^context siriusCidrs is required/],
    ['Sirius at 0.0.0.0/0', { siriusCidrs: ['0.0.0.0/0'] }, /^context siriusCidrs must not be broader than \/8/],
    ['Sirius as a host name', { siriusCidrs: ['sirius.internal'] }, /^context siriusCidrs must be IPv4 CIDRs/],
    ['a Sirius CIDR with host bits', { siriusCidrs: ['10.162.0.5/20'] }, /^context siriusCidrs must be a network address/],
    ['a mistyped Sirius key', { siriusCidr: ['10.0.0.0/16'] }, /^context siriusCidr is not a context key/],
    ['no DynamoDB prefix list', { dynamoDbPrefixListId: undefined }, /^context dynamoDbPrefixListId is required/],
    ['a malformed DynamoDB prefix list', { dynamoDbPrefixListId: 'com.amazonaws.eu-west-2.dynamodb' }, /^context dynamoDbPrefixListId must be a prefix list id/],
    ['no JWKS egress', { egressToCognitoJwks: undefined }, /^context egressToCognitoJwks is required/],
    ['JWKS egress to the internet', { egressToCognitoJwks: ['0.0.0.0/0'] }, /^context egressToCognitoJwks must not be broader than \/8/],
    ['JWKS egress as a host name', { egressToCognitoJwks: 'cognito-idp.eu-west-2.amazonaws.com' }, /^context egressToCognitoJwks must be a prefix list id \(pl-…\) or a list of IPv4 CIDRs/],
    ['the LPA Store without its egress', { ...STORE_CONTEXT, egressToLpaStore: undefined }, /^context egressToLpaStore is required with the LPA Store context/],
    ['LPA Store egress without the store', { egressToLpaStore: 'pl-0e1e2e3e4e5e6e7e8' }, /^context egressToLpaStore is given but the LPA Store context is not/],
    ['LPA Store egress to the internet', { ...STORE_CONTEXT, egressToLpaStore: ['0.0.0.0/0'] }, /^context egressToLpaStore must not be broader than \/8/],
    ['a malformed LPA Store prefix list', { ...STORE_CONTEXT, egressToLpaStore: 'pl-xyz' }, /^context egressToLpaStore must be a prefix list id/],
    ['a mistyped egress key', { egressToSirius: ['10.0.0.0/16'] }, /^context egressToSirius is not a context key/],
  ])('refuses %s', (_, context, error) => {
    expect(() => stackWith(context, 'NetRefused')).toThrow(error);
  }, 60_000);

  it('takes a list given as JSON text (-c key=[...]) like the list itself', () => {
    const t = Template.fromStack(stackWith({ vpcAvailabilityZones: JSON.stringify(BASE_CONTEXT.vpcAvailabilityZones), siriusCidrs: JSON.stringify(SIRIUS) }, 'NetJsonText'));
    expect(functionOf(t, 'lambda.handler').VpcConfig.SubnetIds).toEqual(SUBNETS);
  }, 60_000);
});

describe('infra: the Sirius URL', () => {
  const withSiriusUrl = (siriusBaseUrl: unknown) => stackWith({}, 'SiriusUrl', undefined, { siriusBaseUrl: siriusBaseUrl as string });

  it.each([
    ['http://', 'http://sirius.test.internal', /^context siriusBaseUrl must be an https URL \(calls carry credentials\)/],
    ['missing', undefined, /^context siriusBaseUrl must be a non-empty string/],
    ['empty', '', /^context siriusBaseUrl must be a non-empty string/],
    ['not a URL', 'sirius.test.internal', /^context siriusBaseUrl must be an https URL/],
    ['with credentials', 'https://user:password@sirius.test.internal', /^context siriusBaseUrl must not hold credentials/],
  ])('refuses a Sirius URL %s', (_, url, error) => {
    expect(() => withSiriusUrl(url)).toThrow(error);
  }, 60_000);

  it('takes an https one as it is', () => {
    expect(functionOf(Template.fromStack(withSiriusUrl('https://sirius.test.internal/api')), 'lambda.handler').Environment.Variables.SIRIUS_BASE_URL).toBe('https://sirius.test.internal/api');
  }, 60_000);
});
