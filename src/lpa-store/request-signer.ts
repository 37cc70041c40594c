import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { SignJWT } from 'jose';
import type { SecretSource } from '../sirius/request-signer';

// The LPA Store takes a call only when it is signed twice (opg-data-lpa-store):
// - AWS SigV4 for `execute-api`: API Gateway's IAM auth lets in an allow-list of caller roles;
// - `X-Jwt-Authorization: Bearer <HS256 JWT>`: `iss` names the calling service and `sub` the person
//   acting, as a URN (ADR 0003), which the store keeps as the audit trail of who read or changed what.
// The JWT header is added before signing, so SigV4 covers it too: nothing between us and the store
// can swap the person acting.

/** Use an LPA's issuer: the gateway reads on its behalf, so the store sees the service it knows. */
export const LPA_STORE_JWT_ISSUER = 'opg.poas.use';

/**
 * The id of a person acting, as it goes into `urn:opg:poas:use:users:<id>`: letters, digits and
 * dashes, 1 to 64 (Use an LPA's actor ids are uuids). Nothing that could end the URN's last part
 * early (`:`), and nothing that needs escaping, so the audit trail reads back exactly.
 */
export const ACTING_USER_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The subject when no person is acting (a service-to-service read, a health probe): the gateway
 * itself, in the same `urn:opg:poas:use:` namespace as the people it acts for, `service` where a
 * person's URN has `users`, so the store's audit trail never mistakes it for a person.
 */
export const GATEWAY_SUBJECT = 'urn:opg:poas:use:service:sirius-gateway';

const JWT_TTL_SECONDS = 60;

export interface LpaStoreSignerOptions {
  /** The store's region (its API Gateway's), e.g. `eu-west-2`. */
  region: string;
  /** In AWS `awsCredentials()` (the default provider chain); on the embedded default `fixedCredentials(...)`. */
  credentials: AwsCredentialIdentityProvider;
  /** The HS256 secret shared with the store (Secrets Manager in AWS). */
  jwtSecret: SecretSource;
}

export interface LpaStoreRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** JSON, for POST. */
  body?: string;
}

/** The JWT subject for `actor` (see ACTING_USER_ID), or the gateway's own when nobody is acting. */
export function actorSubject(actor?: string): string {
  if (actor === undefined) return GATEWAY_SUBJECT;
  // The value is not echoed: it may be whatever a caller sent.
  if (!ACTING_USER_ID.test(actor)) throw new TypeError('The acting user id must be 1 to 64 letters, digits or dashes.');
  return `urn:opg:poas:use:users:${actor}`;
}

export function createLpaStoreSigner(options: LpaStoreSignerOptions) {
  const sigv4 = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    // Path segments are escaped twice, as SigV4 for every service but S3 demands.
    uriEscapePath: true,
    // x-amz-content-sha256 binds the body to the signature.
    applyChecksum: true,
  });

  async function jwt(subject: string): Promise<string> {
    const key = new TextEncoder().encode(await options.jwtSecret.current());
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LPA_STORE_JWT_ISSUER)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(now + JWT_TTL_SECONDS)
      .sign(key);
  }

  /** The headers to send with `request` (host and all): both signatures, for `actor` if a person is acting. */
  async function sign(request: LpaStoreRequest, actor?: string): Promise<Record<string, string>> {
    const subject = actorSubject(actor);
    const headers: Record<string, string> = {
      host: request.url.host,
      'x-jwt-authorization': `Bearer ${await jwt(subject)}`,
    };
    if (request.method === 'POST') headers['content-type'] = 'application/json';
    const signed = await sigv4.sign({
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      port: request.url.port ? Number(request.url.port) : undefined,
      path: request.url.pathname,
      query: queryOf(request.url),
      headers,
      body: request.body,
    });
    return { ...signed.headers };
  }

  return { sign };
}

export type LpaStoreSigner = ReturnType<typeof createLpaStoreSigner>;

/**
 * The SDK's default provider chain (env, SSO, profiles, ECS/EC2 roles, the Lambda's role), cached
 * and refreshed before expiry. `defaultProvider` is what @aws-sdk/credential-providers'
 * `fromNodeProviderChain()` wraps; this package is the one already installed with the SDK clients.
 */
export function awsCredentials(): AwsCredentialIdentityProvider {
  return defaultProvider();
}

/** Credentials given directly (the embedded default, tests). */
export function fixedCredentials(credentials: AwsCredentialIdentity): AwsCredentialIdentityProvider {
  return async () => credentials;
}

/** The URL's query as SigV4 canonicalises it: each name with its value, or its values when repeated. */
export function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  return query;
}
