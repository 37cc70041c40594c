// The network the gateway's functions run in: private subnets of an existing VPC (context, no
// lookups: synth stays offline), a security group per function whose only egress is 443 to named
// peers, and the VPC endpoints that let the functions reach AWS without a route to the internet.
//
// Who the functions call, and how each is reached (src/: the only outbound calls there are):
// - Sirius: its internal load balancer, `siriusCidrs` (the gateway function only).
// - The LPA Store: an API Gateway API in another account and region, `egressToLpaStore` (both
//   functions, when the LPA Store context is given). An execute-api interface endpoint serves only
//   private APIs of its own region, so the store (a public API in eu-west-1 behind a custom domain)
//   is reached through the VPC's NAT: the peer is a prefix list of its addresses, or CIDRs.
// - Cognito's JWKS, https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json (the
//   gateway function verifies tokens; fetched once per instance, then on an unknown key id only):
//   `egressToCognitoJwks`. Not through a cognito-idp interface endpoint: a user pool with a domain
//   is incompatible with PrivateLink (Cognito developer guide, "Access Amazon Cognito using an
//   interface endpoint"), and this pool has one, for its consumers' client-credentials grant. With
//   the endpoint's private DNS on, every cognito-idp call in the VPC would go to an endpoint that
//   refuses this pool: the JWKS fetch would fail. So: the public endpoint, through the NAT.
// - Secrets Manager (the Sirius signing secret, the codes secret, the LPA Store's JWT secret):
//   interface endpoint.
// - DynamoDB (the cache, the codes table): gateway endpoint on the private route tables, reached
//   through its managed prefix list (`dynamoDbPrefixListId`: not knowable offline).
// - EventBridge PutEvents (with `eventBusArn`): interface endpoint `events`.
// - KMS and CloudWatch Logs: interface endpoints. Nothing in src/ calls either today (DynamoDB and
//   Secrets Manager call KMS themselves, Lambda ships the functions' logs itself), so they are for
//   an SDK call to come; they cost per AZ-hour and can go if that never comes.
// - Traces: OTLP to localhost (an ADOT collector layer). The collector's own export leaves the
//   function like any call: a layer exporting to X-Ray would need an xray endpoint too.
// With `vpcEndpointsExist: true` the VPC's owners provide the endpoints (the five above and the
// DynamoDB gateway endpoint); the stack creates none, and egress goes to their security group.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct, Node } from 'constructs';
import { ContextError, asString, refuseUnknownKeys } from '../context';

export const NETWORK_KEYS = {
  vpcId: 'vpcId',
  availabilityZones: 'vpcAvailabilityZones',
  privateSubnetIds: 'vpcPrivateSubnetIds',
  privateRouteTableIds: 'vpcPrivateRouteTableIds',
  endpointsExist: 'vpcEndpointsExist',
  endpointsSecurityGroupId: 'vpcEndpointsSecurityGroupId',
  siriusCidrs: 'siriusCidrs',
  dynamoDbPrefixListId: 'dynamoDbPrefixListId',
  // Not `lpaStoreEgress`: every `lpaStore*` key is the LPA Store group's (infra/context.ts refuses others).
  lpaStore: 'egressToLpaStore',
  cognitoJwks: 'egressToCognitoJwks',
} as const;

/** Where 443 may go: a managed prefix list, or CIDRs. */
export type EgressPeer = { prefixListId: string } | { cidrs: string[] };

export interface NetworkContext {
  vpcId: string;
  availabilityZones: string[];
  privateSubnetIds: string[];
  /** Absent only when the endpoints exist (the stack then makes no gateway endpoint). */
  privateRouteTableIds?: string[];
  /** The existing endpoints' security group, when `vpcEndpointsExist`; undefined: the stack makes them. */
  existingEndpointsSecurityGroupId?: string;
  siriusCidrs: string[];
  dynamoDbPrefixListId: string;
  cognitoJwks: EgressPeer;
  /** Undefined without the LPA Store context. */
  lpaStore?: EgressPeer;
}

const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ROUTE_TABLE_ID = /^rtb-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const PREFIX_LIST_ID = /^pl-([0-9a-f]{8}|[0-9a-f]{17})$/;
const AVAILABILITY_ZONE = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * The network context, validated; every key is required (the functions always run in the VPC),
 * except `egressToLpaStore` (with the LPA Store only) and the endpoints' pair (see below).
 * - `vpcId`: `vpc-…`; `vpcAvailabilityZones`: AZ names in the stack's region (at least two);
 *   `vpcPrivateSubnetIds`: `subnet-…`, one per AZ, in the same order;
 * - `vpcPrivateRouteTableIds`: `rtb-…`, one per subnet, for the DynamoDB gateway endpoint; not
 *   needed with `vpcEndpointsExist: true`, which needs `vpcEndpointsSecurityGroupId` (`sg-…`) instead;
 * - `siriusCidrs`: the CIDRs of Sirius's internal load balancer's subnets;
 * - `dynamoDbPrefixListId`: `pl-…`, the region's `com.amazonaws.<region>.dynamodb` prefix list;
 * - `egressToLpaStore`, `egressToCognitoJwks`: a prefix list id (`pl-…`) or a list of CIDRs.
 * No CIDR broader than /8, so never 0.0.0.0/0.
 */
export function readNetworkContext(node: Node, options: { region: string; lpaStore: boolean }): NetworkContext {
  const known = Object.values(NETWORK_KEYS);
  for (const prefix of ['vpc', 'egress', 'siriusCidr', 'dynamoDb']) refuseUnknownKeys(node, prefix, known);
  const required = (key: string) => {
    const value = node.tryGetContext(key) as unknown;
    if (value === undefined) throw new ContextError(key, 'is required: the functions run in private subnets of an existing VPC (README.md, Deploying: Network)');
    return value;
  };

  const vpcId = shaped(NETWORK_KEYS.vpcId, asString(NETWORK_KEYS.vpcId, required(NETWORK_KEYS.vpcId)), VPC_ID, 'a VPC id, vpc-<8 or 17 hex digits>');
  const availabilityZones = list(NETWORK_KEYS.availabilityZones, required(NETWORK_KEYS.availabilityZones)).map((zone) =>
    shaped(NETWORK_KEYS.availabilityZones, zone, AVAILABILITY_ZONE, 'a list of availability zone names, e.g. ["eu-west-2a", "eu-west-2b"]'),
  );
  if (availabilityZones.length < 2) throw new ContextError(NETWORK_KEYS.availabilityZones, `must name at least two availability zones (a function in one AZ goes down with it); got ${JSON.stringify(availabilityZones)}`);
  if (!/^\$\{Token/.test(options.region)) {
    const elsewhere = availabilityZones.filter((zone) => !zone.startsWith(options.region) || !/^[a-z]$/.test(zone.slice(options.region.length)));
    if (elsewhere.length > 0) throw new ContextError(NETWORK_KEYS.availabilityZones, `must be availability zones of the stack's region ${options.region}; got ${JSON.stringify(elsewhere)}`);
  }
  const privateSubnetIds = sameLength(
    NETWORK_KEYS.privateSubnetIds,
    list(NETWORK_KEYS.privateSubnetIds, required(NETWORK_KEYS.privateSubnetIds)).map((id) => shaped(NETWORK_KEYS.privateSubnetIds, id, SUBNET_ID, 'a list of subnet ids, subnet-<8 or 17 hex digits>')),
    availabilityZones,
  );

  const existValue = node.tryGetContext(NETWORK_KEYS.endpointsExist) as unknown;
  const endpointsExist = existValue === undefined ? false : flag(NETWORK_KEYS.endpointsExist, existValue);
  const routeTablesValue = node.tryGetContext(NETWORK_KEYS.privateRouteTableIds) as unknown;
  const groupValue = node.tryGetContext(NETWORK_KEYS.endpointsSecurityGroupId) as unknown;
  let privateRouteTableIds: string[] | undefined;
  let existingEndpointsSecurityGroupId: string | undefined;
  if (endpointsExist) {
    if (groupValue === undefined) {
      throw new ContextError(NETWORK_KEYS.endpointsSecurityGroupId, `is required with ${NETWORK_KEYS.endpointsExist}: true (the existing endpoints' security group, which the functions' egress goes to)`);
    }
    existingEndpointsSecurityGroupId = shaped(NETWORK_KEYS.endpointsSecurityGroupId, asString(NETWORK_KEYS.endpointsSecurityGroupId, groupValue), SECURITY_GROUP_ID, 'a security group id, sg-<8 or 17 hex digits>');
  } else {
    if (groupValue !== undefined) {
      throw new ContextError(NETWORK_KEYS.endpointsSecurityGroupId, `is only read with ${NETWORK_KEYS.endpointsExist}: true; without it the stack makes the endpoints and their security group`);
    }
    if (routeTablesValue === undefined) {
      throw new ContextError(NETWORK_KEYS.privateRouteTableIds, `is required unless ${NETWORK_KEYS.endpointsExist} is true: the DynamoDB gateway endpoint is added to the private subnets' route tables`);
    }
  }
  if (routeTablesValue !== undefined) {
    privateRouteTableIds = sameLength(
      NETWORK_KEYS.privateRouteTableIds,
      // Subnets may share a route table: repeats are fine here.
      list(NETWORK_KEYS.privateRouteTableIds, routeTablesValue, true).map((id) => shaped(NETWORK_KEYS.privateRouteTableIds, id, ROUTE_TABLE_ID, 'a list of route table ids, rtb-<8 or 17 hex digits>')),
      availabilityZones,
    );
  }

  const siriusCidrs = list(NETWORK_KEYS.siriusCidrs, required(NETWORK_KEYS.siriusCidrs)).map((cidr) => ipv4Cidr(NETWORK_KEYS.siriusCidrs, cidr));
  const dynamoDbPrefixListId = shaped(
    NETWORK_KEYS.dynamoDbPrefixListId,
    asString(NETWORK_KEYS.dynamoDbPrefixListId, required(NETWORK_KEYS.dynamoDbPrefixListId)),
    PREFIX_LIST_ID,
    `a prefix list id, pl-<8 or 17 hex digits> (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.${options.region}.dynamodb)`,
  );
  const cognitoJwks = egressPeer(NETWORK_KEYS.cognitoJwks, required(NETWORK_KEYS.cognitoJwks));
  const storeValue = node.tryGetContext(NETWORK_KEYS.lpaStore) as unknown;
  if (options.lpaStore && storeValue === undefined) throw new ContextError(NETWORK_KEYS.lpaStore, 'is required with the LPA Store context: the functions call the store over 443, and only to it');
  if (!options.lpaStore && storeValue !== undefined) throw new ContextError(NETWORK_KEYS.lpaStore, 'is given but the LPA Store context is not (lpaStoreBaseUrl, …): there is no store to reach');
  const lpaStore = storeValue === undefined ? undefined : egressPeer(NETWORK_KEYS.lpaStore, storeValue);

  return {
    vpcId,
    availabilityZones,
    privateSubnetIds,
    ...(privateRouteTableIds ? { privateRouteTableIds } : {}),
    ...(existingEndpointsSecurityGroupId ? { existingEndpointsSecurityGroupId } : {}),
    siriusCidrs,
    dynamoDbPrefixListId,
    cognitoJwks,
    ...(lpaStore ? { lpaStore } : {}),
  };
}

function shaped(key: string, value: string, shape: RegExp, described: string): string {
  if (!shape.test(value)) throw new ContextError(key, `must be ${described}; got ${JSON.stringify(value)}`);
  return value;
}

// A list from an environment file or CDK_CONTEXT_JSON is an array; from `-c key=[...]`, its JSON text.
function list(key: string, value: unknown, repeatsAllowed = false): string[] {
  let items = value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      items = JSON.parse(value) as unknown;
    } catch {
      throw new ContextError(key, `must be a list of strings; got ${JSON.stringify(value)}`);
    }
  }
  if (!Array.isArray(items) || items.length === 0) throw new ContextError(key, `must be a non-empty list of strings; got ${JSON.stringify(value)}`);
  const strings = items.map((item) => asString(key, item));
  const repeated = strings.filter((item, i) => strings.indexOf(item) !== i);
  if (repeated.length > 0 && !repeatsAllowed) throw new ContextError(key, `must not repeat an entry; got ${JSON.stringify(repeated)} twice`);
  return strings;
}

function sameLength(key: string, values: string[], zones: string[]): string[] {
  if (values.length !== zones.length) {
    throw new ContextError(key, `must have one entry per availability zone (${NETWORK_KEYS.availabilityZones} has ${zones.length}), in the same order; got ${values.length}`);
  }
  return values;
}

function flag(key: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ContextError(key, `must be true or false; got ${JSON.stringify(value)}`);
}

/** An IPv4 CIDR in canonical form (no host bits), /8 to /32: never 0.0.0.0/0 or anything near it. */
function ipv4Cidr(key: string, value: string): string {
  const match = IPV4_CIDR.exec(value);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const bits = match ? Number(match[5]) : -1;
  if (!match || octets.some((octet) => octet > 255) || bits > 32) throw new ContextError(key, `must be IPv4 CIDRs, e.g. 10.20.0.0/16; got ${JSON.stringify(value)}`);
  if (bits < 8) throw new ContextError(key, `must not be broader than /8 (443 to the internet is not a peer); got ${JSON.stringify(value)}`);
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  if (address % 2 ** (32 - bits) !== 0) throw new ContextError(key, `must be a network address (no host bits set for /${bits}); got ${JSON.stringify(value)}`);
  return value;
}

function egressPeer(key: string, value: unknown): EgressPeer {
  if (typeof value === 'string' && value.startsWith('pl-')) return { prefixListId: shaped(key, value, PREFIX_LIST_ID, 'a prefix list id, pl-<8 or 17 hex digits>, or a list of CIDRs') };
  if (typeof value === 'string' && !value.trim().startsWith('[')) throw new ContextError(key, `must be a prefix list id (pl-…) or a list of IPv4 CIDRs; got ${JSON.stringify(value)}`);
  return { cidrs: list(key, value).map((cidr) => ipv4Cidr(key, cidr)) };
}

/** Why the VPC access managed policy is acceptable on a function role (cdk-nag AwsSolutions-IAM4). */
/** What a function needs to be put in the VPC. */
export interface FunctionNetwork {
  vpc: ec2.IVpc;
  vpcSubnets: ec2.SubnetSelection;
  securityGroups: ec2.ISecurityGroup[];
}

export interface GatewayNetwork {
  vpc: ec2.IVpc;
  /** The gateway function's: Sirius, Cognito's JWKS, the LPA Store (with it), the endpoints, DynamoDB. */
  gateway: FunctionNetwork;
  /** The events function's (made on first call): the LPA Store, the endpoints, DynamoDB; never Sirius. */
  events(): FunctionNetwork;
}

const HTTPS = ec2.Port.tcp(443);

/**
 * The VPC (imported from context), the endpoints (unless they exist), and the functions' security
 * groups. Made in `scope` (the stack); nothing here is stateful, so no id is pinned.
 */
export function gatewayNetwork(scope: Construct, context: NetworkContext, options: { eventBus: boolean }): GatewayNetwork {
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: context.vpcId,
    availabilityZones: context.availabilityZones,
    privateSubnetIds: context.privateSubnetIds,
    ...(context.privateRouteTableIds ? { privateSubnetRouteTableIds: context.privateRouteTableIds } : {}),
  });
  const vpcSubnets: ec2.SubnetSelection = { subnets: vpc.privateSubnets };

  let endpoints: ec2.ISecurityGroup;
  if (context.existingEndpointsSecurityGroupId) {
    // Theirs: the stack adds no rule to it; their ingress must accept 443 from the functions' groups.
    endpoints = ec2.SecurityGroup.fromSecurityGroupId(scope, 'EndpointsSecurityGroup', context.existingEndpointsSecurityGroupId, { mutable: false, allowAllOutbound: false });
  } else {
    endpoints = new ec2.SecurityGroup(scope, 'EndpointsSecurityGroup', {
      vpc,
      description: 'sirius-gateway VPC endpoints: 443 from the gateway functions only',
      allowAllOutbound: false,
    });
    // DynamoDB: a gateway endpoint (routes, no ENI, no charge) on the private subnets' route tables.
    // Its policy is left open: other workloads in the VPC may use DynamoDB through it too, and the
    // roles decide which tables a function may use.
    new ec2.GatewayVpcEndpoint(scope, 'DynamoDbEndpoint', { vpc, service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [vpcSubnets] });
    const services: [string, ec2.InterfaceVpcEndpointAwsService][] = [
      ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
      ['KmsEndpoint', ec2.InterfaceVpcEndpointAwsService.KMS],
      ['LogsEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
      ...(options.eventBus ? [['EventsEndpoint', ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE] as [string, ec2.InterfaceVpcEndpointAwsService]] : []),
    ];
    for (const [id, service] of services) {
      // open: false: no ingress from the whole VPC's CIDR; only the functions' groups (below).
      new ec2.InterfaceVpcEndpoint(scope, id, { vpc, service, subnets: vpcSubnets, securityGroups: [endpoints], privateDnsEnabled: true, open: false });
    }
  }

  const securityGroup = (id: string, description: string, peers: { sirius: boolean; cognitoJwks: boolean }): ec2.SecurityGroup => {
    const group = new ec2.SecurityGroup(scope, id, { vpc, description, allowAllOutbound: false });
    const cidrPeers = [...(peers.sirius ? context.siriusCidrs : [])];
    for (const cidr of cidrPeers) group.addEgressRule(ec2.Peer.ipv4(cidr), HTTPS, 'Sirius (internal load balancer)');
    if (peers.cognitoJwks) cidrPeers.push(...addPeer(group, context.cognitoJwks, "Cognito's JWKS (cognito-idp, public endpoint)"));
    if (context.lpaStore) cidrPeers.push(...addPeer(group, context.lpaStore, 'The LPA Store'));
    group.addEgressRule(ec2.Peer.prefixList(context.dynamoDbPrefixListId), HTTPS, 'DynamoDB (gateway endpoint)');
    group.addEgressRule(endpoints, HTTPS, 'VPC interface endpoints (Secrets Manager, KMS, Logs, EventBridge)');
    if (!context.existingEndpointsSecurityGroupId) endpoints.addIngressRule(group, HTTPS, `From ${id}`);
    // CloudFormation gives a group with no SecurityGroupEgress property EC2's default allow-all
    // egress rule; rules to prefix lists and groups are resources of their own, not that property.
    // A group whose every rule is one of those keeps CDK's no-traffic rule (255.255.255.255/32,
    // ICMP 252/86) in the property, so that the default is never there (tested).
    if (cidrPeers.length === 0) group.addEgressRule(ec2.Peer.ipv4('255.255.255.255/32'), ec2.Port.icmpTypeAndCode(252, 86), 'Disallow all traffic');
    return group;
  };

  const gateway = securityGroup('GatewaySecurityGroup', 'sirius-gateway function: 443 out to Sirius, Cognito, the LPA Store, DynamoDB and the VPC endpoints only', {
    sirius: true,
    cognitoJwks: true,
  });
  let events: FunctionNetwork | undefined;
  return {
    vpc,
    gateway: { vpc, vpcSubnets, securityGroups: [gateway] },
    events: () =>
      (events ??= {
        vpc,
        vpcSubnets,
        securityGroups: [securityGroup('EventsSecurityGroup', 'sirius-gateway LPA Store events function: 443 out to the LPA Store, DynamoDB and the VPC endpoints only', { sirius: false, cognitoJwks: false })],
      }),
  };
}

/** Adds 443 to the peer; returns the CIDRs (rules in the group's own egress property). */
function addPeer(group: ec2.SecurityGroup, peer: EgressPeer, description: string): string[] {
  if ('prefixListId' in peer) {
    group.addEgressRule(ec2.Peer.prefixList(peer.prefixListId), HTTPS, description);
    return [];
  }
  for (const cidr of peer.cidrs) group.addEgressRule(ec2.Peer.ipv4(cidr), HTTPS, description);
  return peer.cidrs;
}
