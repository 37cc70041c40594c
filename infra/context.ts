// CDK context the stack reads itself (not through props), so that a bad value fails `cdk synth`
// with an error naming the key the operator typed (`-c lpaStoreApiArn=...` or cdk.json).
//
// Three optional groups, each all-or-nothing:
// - the LPA Store (another team's API Gateway REST API, IAM auth, usually another account);
// - the EventBridge bus the gateway puts `activation-key-requested` events on;
// - the bus the LPA Store's `lpa-updated` events arrive on (the events path: rule, queues, Lambda),
//   which needs the LPA Store group too (the events Lambda re-reads changed LPAs from the store).
// With no key of a group given, the stack leaves that part out entirely (no environment, no grants).
// With any key of a group given, every required key of it must be present and well formed.
import type { Node } from 'constructs';

export const LPA_STORE_KEYS = {
  baseUrl: 'lpaStoreBaseUrl',
  apiArn: 'lpaStoreApiArn',
  jwtSecret: 'lpaStoreJwtSecret',
  jwtSecretKmsKeyArn: 'lpaStoreJwtSecretKmsKeyArn',
} as const;
export const EVENT_BUS_KEYS = { arn: 'eventBusArn' } as const;
export const LPA_STORE_EVENTS_KEYS = { busName: 'lpaStoreEventBusName' } as const;

export interface LpaStoreContext {
  /** https origin the gateway calls, e.g. https://lpa-store.api.opg.service.justice.gov.uk */
  baseUrl: string;
  /** The store's region, from the API ARN: SigV4 signs for it (LPA_STORE_REGION). */
  region: string;
  /** Exactly the execute-api ARNs the gateway calls: one per route. */
  routeArns: [getOne: string, postMany: string];
  /** The shared HS256 secret: a name (this account) or a complete ARN (another account). */
  jwtSecret: { name: string } | { completeArn: string; region: string };
  /** The customer managed key encrypting that secret, when it is in another account. */
  jwtSecretKmsKeyArn?: string;
}

export interface EventBusContext {
  arn: string;
}

export interface LpaStoreEventsContext {
  /**
   * The name of the bus, in this stack's account and region, that the LPA Store's bus forwards its
   * events to (a cross-account event bus target): the stack's rule for `lpa-updated` is on it.
   */
  busName: string;
}

/** Thrown for a context value that cannot be used; the message starts with the key. */
export class ContextError extends Error {
  constructor(key: string, problem: string) {
    super(`context ${key} ${problem}`);
    this.name = 'ContextError';
  }
}

const PARTITION = '(aws|aws-cn|aws-us-gov)';
const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d)';
const ACCOUNT = '(\\d{12})';
// A stage ARN: API ids are 10 lowercase alphanumerics; stage names letters, digits, - and _.
// No wildcard can get through: the stack adds the routes itself.
const API_STAGE_ARN = new RegExp(`^arn:${PARTITION}:execute-api:${REGION}:${ACCOUNT}:[a-z0-9]{10}/[A-Za-z0-9_-]{1,128}$`);
// Secrets Manager names allow letters, digits and /_+=.@-; a complete ARN ends in - and 6 random characters.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_COMPLETE_ARN = new RegExp(`^arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`);
// A key ARN, never an alias: IAM grants on an alias ARN do not cover the key behind it.
const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/(mrk-)?[0-9a-f-]{32,36}$`);
// EventBridge bus names: letters, digits and ._-/ (partner buses have a /), at most 256 characters.
const EVENT_BUS_NAME = /^[A-Za-z0-9._/-]{1,256}$/;
const EVENT_BUS_ARN = new RegExp(`^arn:${PARTITION}:events:${REGION}:${ACCOUNT}:event-bus/[A-Za-z0-9._/-]{1,256}$`);

/**
 * The LPA Store context, validated; undefined when none of it is given (the gateway then serves
 * Sirius's LPAs only). Context shapes:
 * - `lpaStoreBaseUrl`: https origin, no path (the client resolves `/lpas` against the origin).
 * - `lpaStoreApiArn`: the API's stage, `arn:aws:execute-api:<region>:<account>:<api id>/<stage>`;
 *   the role may invoke `GET /lpas/{uid}` and `POST /lpas` on it and nothing else.
 * - `lpaStoreJwtSecret`: the shared secret's name (this account) or complete ARN (another account).
 * - `lpaStoreJwtSecretKmsKeyArn` (optional): the key encrypting that secret, if a customer key.
 */
export function readLpaStoreContext(node: Node): LpaStoreContext | undefined {
  refuseUnknownKeys(node, 'lpaStore', [...Object.values(LPA_STORE_KEYS), ...Object.values(LPA_STORE_EVENTS_KEYS)]);
  const given = Object.values(LPA_STORE_KEYS).filter((key) => node.tryGetContext(key) !== undefined);
  if (given.length === 0) return undefined;
  const required = (key: string) => requiredString(node, key, `is required when any LPA Store context is given (${given.join(', ')} ${given.length === 1 ? 'was' : 'were'})`);

  const baseUrl = httpsOrigin(LPA_STORE_KEYS.baseUrl, required(LPA_STORE_KEYS.baseUrl));
  const apiArn = matching(LPA_STORE_KEYS.apiArn, required(LPA_STORE_KEYS.apiArn), API_STAGE_ARN, 'arn:aws:execute-api:<region>:<account>:<api id>/<stage> (the stage ARN, no wildcard, no route)');
  const jwtSecret = secretReference(LPA_STORE_KEYS.jwtSecret, required(LPA_STORE_KEYS.jwtSecret));
  const kmsKey = node.tryGetContext(LPA_STORE_KEYS.jwtSecretKmsKeyArn) as unknown;
  const jwtSecretKmsKeyArn =
    kmsKey === undefined ? undefined : matching(LPA_STORE_KEYS.jwtSecretKmsKeyArn, asString(LPA_STORE_KEYS.jwtSecretKmsKeyArn, kmsKey), KMS_KEY_ARN, 'arn:aws:kms:<region>:<account>:key/<key id> (a key ARN, not an alias)');

  return {
    baseUrl,
    region: apiArn.region,
    // `?` matches one character and never spans `/`-separated extra segments as `*` would: this
    // grants GET /lpas/M-XXXX-XXXX-XXXX only, not GET /lpas/{uid}/updates or /lpas/{uid}/static.
    routeArns: [`${apiArn.value}/GET/lpas/M-????-????-????`, `${apiArn.value}/POST/lpas`],
    jwtSecret,
    ...(jwtSecretKmsKeyArn ? { jwtSecretKmsKeyArn: jwtSecretKmsKeyArn.value } : {}),
  };
}

/** The event bus context (`eventBusArn`, `arn:aws:events:<region>:<account>:event-bus/<name>`); undefined when not given. */
export function readEventBusContext(node: Node): EventBusContext | undefined {
  refuseUnknownKeys(node, 'eventBus', Object.values(EVENT_BUS_KEYS));
  const value = node.tryGetContext(EVENT_BUS_KEYS.arn) as unknown;
  if (value === undefined) return undefined;
  const arn = matching(EVENT_BUS_KEYS.arn, asString(EVENT_BUS_KEYS.arn, value), EVENT_BUS_ARN, 'arn:aws:events:<region>:<account>:event-bus/<name>');
  return { arn: arn.value };
}

/**
 * The events path's context (`lpaStoreEventBusName`); undefined when not given (the stack then has
 * no rule, queues or events Lambda, and LPA Store LPAs are kept only for the time window).
 *
 * A name, not an ARN: an EventBridge rule lives in its bus's account, so the bus is one in this
 * stack's account and region (it may be `default`). The LPA Store's own bus, in its account, has a
 * rule whose target is this bus; this bus's resource policy must let the store's account put events
 * on it (the bus's owner's change, like the store's API resource policy).
 */
export function readLpaStoreEventsContext(node: Node, store: LpaStoreContext | undefined): LpaStoreEventsContext | undefined {
  const key = LPA_STORE_EVENTS_KEYS.busName;
  const value = node.tryGetContext(key) as unknown;
  if (value === undefined) return undefined;
  const name = asString(key, value);
  if (name.startsWith('arn:')) {
    throw new ContextError(key, `must be the name of an event bus in this stack's account and region, not an ARN (a rule lives in its bus's account: the LPA Store's bus targets this one); got ${JSON.stringify(name)}`);
  }
  if (!EVENT_BUS_NAME.test(name)) throw new ContextError(key, `must be an event bus name (letters, digits and ._-/, no wildcard); got ${JSON.stringify(name)}`);
  if (!store) {
    throw new ContextError(key, `needs the LPA Store context too (${LPA_STORE_KEYS.baseUrl}, ${LPA_STORE_KEYS.apiArn}, ${LPA_STORE_KEYS.jwtSecret}): the events Lambda re-reads changed LPAs from the store`);
  }
  return { busName: name };
}

// A mistyped key (`lpaStoreBaseURL`, `eventBusName`) would otherwise leave its whole group out
// silently, and the gateway would deploy without the store: refuse keys of a group's prefix we do not know.
export function refuseUnknownKeys(node: Node, prefix: string, known: readonly string[]): void {
  for (const key of Object.keys(node.getAllContext())) {
    if (key.startsWith(prefix) && !known.includes(key)) throw new ContextError(key, `is not a context key this stack reads; did you mean one of ${known.join(', ')}?`);
  }
}

export function requiredString(node: Node, key: string, whenMissing: string): string {
  const value = node.tryGetContext(key) as unknown;
  if (value === undefined) throw new ContextError(key, whenMissing);
  return asString(key, value);
}

export function asString(key: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ContextError(key, `must be a non-empty string; got ${JSON.stringify(value)}`);
  return value;
}

function matching(key: string, value: string, shape: RegExp, described: string): { value: string; region: string } {
  const match = shape.exec(value);
  if (!match) throw new ContextError(key, `must be ${described}; got ${JSON.stringify(value)}`);
  return { value, region: match[2]! };
}

/** An https URL (any path); throws naming the key otherwise. */
export function httpsUrl(key: string, value: unknown): string {
  const text = asString(key, value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ContextError(key, `must be an https URL; got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:') throw new ContextError(key, `must be an https URL (calls carry credentials); got ${JSON.stringify(text)}`);
  if (url.username || url.password) throw new ContextError(key, `must not hold credentials; got a URL with a user name or password`);
  return text;
}

// https only: the store takes SigV4 and a bearer JWT, which must never cross the network in clear.
// No path, query or credentials: the client resolves `/lpas` against the origin, so a path
// (e.g. an execute-api URL's `/stage`) would be dropped silently and every call would miss.
function httpsOrigin(key: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ContextError(key, `must be an https URL, e.g. https://lpa-store.api.opg.service.justice.gov.uk; got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:') throw new ContextError(key, `must be an https URL (the store's calls carry signatures and a JWT); got ${JSON.stringify(value)}`);
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ContextError(key, `must be an origin only (no path, query or credentials: the gateway calls /lpas on it); got ${JSON.stringify(value)}`);
  }
  return url.origin;
}

function secretReference(key: string, value: string): LpaStoreContext['jwtSecret'] {
  if (value.startsWith('arn:')) {
    const arn = matching(key, value, SECRET_COMPLETE_ARN, 'a secret name or a complete secret ARN, arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>');
    return { completeArn: arn.value, region: arn.region };
  }
  if (!SECRET_NAME.test(value)) throw new ContextError(key, `must be a secret name (letters, digits and /_+=.@-) or a complete secret ARN; got ${JSON.stringify(value)}`);
  return { name: value };
}
