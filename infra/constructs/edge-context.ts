// The API's edge from CDK context: endpoint type, custom domain, who may call, WAF rate limit.
// Read (and refused, naming the key) before anything is built, like infra/context.ts's groups.
import { isIPv4, isIPv6 } from 'node:net';
import { Token } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { asString, ContextError, refuseUnknownKeys } from '../context';

export const EDGE_KEYS = {
  endpointType: 'apiEndpointType',
  vpcEndpointIds: 'apiVpcEndpointIds',
  domainName: 'apiDomainName',
  certificateArn: 'apiCertificateArn',
  allowedSourceVpcEndpoints: 'apiAllowedSourceVpcEndpoints',
  allowedSourceCidrs: 'apiAllowedSourceCidrs',
} as const;
export const WAF_KEYS = { rateLimit: 'wafRateLimit', evaluationWindowSec: 'wafEvaluationWindowSec' } as const;

/** Requests per IP per evaluation window before the WAF blocks that IP (AWS's minimum is 10). */
export const DEFAULT_WAF_RATE_LIMIT = 2000;
/** The windows AWS WAF accepts for a rate-based rule. */
const WAF_WINDOWS = [60, 120, 300, 600] as const;

export interface EdgeContext {
  endpointType: 'REGIONAL' | 'PRIVATE';
  /** PRIVATE only: the interface VPC endpoints (execute-api) the API is associated with. */
  vpcEndpointIds: string[];
  /** A custom domain (REGIONAL only): then the default execute-api endpoint is disabled. */
  domain?: { name: string; certificateArn: string };
  /** Callers allowed by the resource policy; both empty: no resource policy (REGIONAL only). */
  allowedSourceVpcEndpoints: string[];
  allowedSourceCidrs: string[];
  waf: { rateLimit: number; evaluationWindowSec: (typeof WAF_WINDOWS)[number] };
}

const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
// Lowercase (API Gateway refuses uppercase), at least two labels, no wildcard.
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_CERTIFICATE_ARN = /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):certificate\/[0-9a-f-]{36}$/;

/**
 * The edge context, validated. Shapes (a list may be a JSON array, as in an environment file, or
 * a comma-separated string, as `-c key=a,b` gives it):
 * - `apiEndpointType`: `REGIONAL` (default) or `PRIVATE`.
 * - `apiVpcEndpointIds`: list of `vpce-…`; required with PRIVATE, refused with REGIONAL.
 * - `apiDomainName` + `apiCertificateArn`: together or not at all; the certificate an ACM
 *   certificate in the stack's region. REGIONAL only.
 * - `apiAllowedSourceVpcEndpoints`: list of `vpce-…`; with PRIVATE it defaults to `apiVpcEndpointIds`.
 * - `apiAllowedSourceCidrs`: list of IPv4/IPv6 CIDRs (not /0); REGIONAL only (a private API's
 *   callers come through VPC endpoints, which `aws:SourceIp` does not describe).
 * - `wafRateLimit`: integer, 10 to 2,000,000,000, default 2000; `wafEvaluationWindowSec`: 60, 120,
 *   300 (default) or 600.
 */
export function readEdgeContext(node: Node, region: string): EdgeContext {
  refuseUnknownKeys(node, 'api', Object.values(EDGE_KEYS));
  refuseUnknownKeys(node, 'waf', Object.values(WAF_KEYS));

  const typeValue = node.tryGetContext(EDGE_KEYS.endpointType) as unknown;
  const endpointType = typeValue === undefined ? 'REGIONAL' : asString(EDGE_KEYS.endpointType, typeValue);
  if (endpointType !== 'REGIONAL' && endpointType !== 'PRIVATE') {
    throw new ContextError(EDGE_KEYS.endpointType, `must be "REGIONAL" or "PRIVATE" (edge-optimised is not offered); got ${JSON.stringify(endpointType)}`);
  }

  const vpcEndpointIds = list(node, EDGE_KEYS.vpcEndpointIds, vpcEndpointId);
  if (endpointType === 'PRIVATE' && vpcEndpointIds.length === 0) {
    throw new ContextError(EDGE_KEYS.vpcEndpointIds, `is required when ${EDGE_KEYS.endpointType} is PRIVATE: the execute-api VPC endpoints callers reach the API through`);
  }
  if (endpointType === 'REGIONAL' && vpcEndpointIds.length > 0) {
    throw new ContextError(EDGE_KEYS.vpcEndpointIds, `is only for ${EDGE_KEYS.endpointType} PRIVATE; to admit callers from VPC endpoints to a REGIONAL API use ${EDGE_KEYS.allowedSourceVpcEndpoints}`);
  }

  const domain = readDomain(node, region);
  if (domain && endpointType === 'PRIVATE') {
    throw new ContextError(EDGE_KEYS.domainName, `is for a REGIONAL API only: a private API's custom domain is a different resource (AWS::ApiGateway::DomainNameV2), which this stack does not make`);
  }

  const givenSourceVpces = list(node, EDGE_KEYS.allowedSourceVpcEndpoints, vpcEndpointId);
  const allowedSourceVpcEndpoints = endpointType === 'PRIVATE' && givenSourceVpces.length === 0 ? vpcEndpointIds : givenSourceVpces;
  const allowedSourceCidrs = list(node, EDGE_KEYS.allowedSourceCidrs, cidr);
  if (endpointType === 'PRIVATE' && allowedSourceCidrs.length > 0) {
    throw new ContextError(EDGE_KEYS.allowedSourceCidrs, `is for a REGIONAL API only: a private API's callers come through VPC endpoints (${EDGE_KEYS.allowedSourceVpcEndpoints})`);
  }

  return { endpointType, vpcEndpointIds, ...(domain ? { domain } : {}), allowedSourceVpcEndpoints, allowedSourceCidrs, waf: readWaf(node) };
}

function readDomain(node: Node, region: string): EdgeContext['domain'] {
  const name = node.tryGetContext(EDGE_KEYS.domainName) as unknown;
  const arn = node.tryGetContext(EDGE_KEYS.certificateArn) as unknown;
  if (name === undefined && arn === undefined) return undefined;
  if (name === undefined) throw new ContextError(EDGE_KEYS.domainName, `is required when ${EDGE_KEYS.certificateArn} is given`);
  if (arn === undefined) throw new ContextError(EDGE_KEYS.certificateArn, `is required when ${EDGE_KEYS.domainName} is given (an ACM certificate for it, in the stack's region)`);
  const domainName = asString(EDGE_KEYS.domainName, name);
  if (!DOMAIN_NAME.test(domainName)) throw new ContextError(EDGE_KEYS.domainName, `must be a lowercase host name such as api.example.gov.uk (no wildcard, scheme or path); got ${JSON.stringify(domainName)}`);
  const certificateArn = asString(EDGE_KEYS.certificateArn, arn);
  const match = ACM_CERTIFICATE_ARN.exec(certificateArn);
  if (!match) throw new ContextError(EDGE_KEYS.certificateArn, `must be arn:aws:acm:<region>:<account>:certificate/<id>; got ${JSON.stringify(certificateArn)}`);
  // A REGIONAL domain name takes a certificate from its own region only (us-east-1 is for edge-optimised).
  if (!Token.isUnresolved(region) && match[2] !== region) {
    throw new ContextError(EDGE_KEYS.certificateArn, `must be a certificate in the stack's region (${region}); got one in ${match[2]}`);
  }
  return { name: domainName, certificateArn };
}

function readWaf(node: Node): EdgeContext['waf'] {
  const limit = integer(node, WAF_KEYS.rateLimit) ?? DEFAULT_WAF_RATE_LIMIT;
  if (limit < 10 || limit > 2_000_000_000) throw new ContextError(WAF_KEYS.rateLimit, `must be between 10 and 2000000000 (requests per IP per window); got ${limit}`);
  const window = integer(node, WAF_KEYS.evaluationWindowSec) ?? 300;
  if (!(WAF_WINDOWS as readonly number[]).includes(window)) throw new ContextError(WAF_KEYS.evaluationWindowSec, `must be one of ${WAF_WINDOWS.join(', ')} (seconds); got ${window}`);
  return { rateLimit: limit, evaluationWindowSec: window as (typeof WAF_WINDOWS)[number] };
}

// `-c wafRateLimit=500` arrives as a string; an environment file may give a number.
function integer(node: Node, key: string): number | undefined {
  const value = node.tryGetContext(key) as unknown;
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new ContextError(key, `must be a whole number; got ${JSON.stringify(value)}`);
  return number;
}

/** A list (JSON array, or comma-separated string); each element checked by `check`. Absent: []. */
function list(node: Node, key: string, check: (key: string, value: string) => string): string[] {
  const value = node.tryGetContext(key) as unknown;
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
  if (!Array.isArray(items) || items.length === 0) throw new ContextError(key, `must be a non-empty list (a JSON array, or comma-separated); got ${JSON.stringify(value)}`);
  const checked = items.map((item: unknown) => check(key, asString(key, item)));
  return [...new Set(checked)];
}

function vpcEndpointId(key: string, value: string): string {
  if (!VPC_ENDPOINT_ID.test(value)) throw new ContextError(key, `must list VPC endpoint ids such as vpce-0123456789abcdef0; got ${JSON.stringify(value)}`);
  return value;
}

/** An IPv4 or IPv6 CIDR with its host bits clear, never /0 (that is every caller: leave the key out). */
function cidr(key: string, value: string): string {
  const [address, prefixText, ...rest] = value.split('/');
  const v4 = isIPv4(address ?? '');
  const v6 = !v4 && isIPv6(address ?? '');
  const prefix = prefixText !== undefined && /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (rest.length > 0 || (!v4 && !v6) || !(prefix >= 1 && prefix <= (v4 ? 32 : 128))) {
    throw new ContextError(key, `must list CIDRs such as 203.0.113.0/24 or 2001:db8::/32 (not /0: that admits every caller; leave the key out instead); got ${JSON.stringify(value)}`);
  }
  if (v4) {
    const bits = address!.split('.').reduce((n, octet) => n * 256n + BigInt(octet), 0n);
    if (bits & ((1n << BigInt(32 - prefix)) - 1n)) throw new ContextError(key, `must list CIDRs with their host bits clear (e.g. 203.0.113.0/24, not 203.0.113.7/24); got ${JSON.stringify(value)}`);
  }
  return value;
}
