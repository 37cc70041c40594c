import { createHmac } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevKey } from '../../src/dev/dev-issuer';
import { startConfiguredGateway, startTestGateway, type TestGateway } from '../support/gateway';
import type { RunningGateway } from '../../src/server/start-gateway';

const USE_AN_LPA = '/use-an-lpa/v1/graphql';
const ONLINE_TOOL = '/lpa-online-tool/v1/graphql';
const VIEWER = '{ lpa(uid: "7000-0000-0047") { ... on Lpa { status donor { surname dateOfBirth addresses { postcode } } } } }';

let gateway: TestGateway;
let devKey: Awaited<ReturnType<typeof loadOrCreateDevKey>>;
beforeAll(async () => {
  gateway = await startTestGateway();
  devKey = await loadOrCreateDevKey(); // the key the embedded issuer signs with
});
afterAll(() => gateway.close());

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const validClaims = (): JWTPayload => ({
  iss: DEV_ISSUER,
  aud: DEV_AUDIENCE,
  sub: 'dev-use-an-lpa',
  client_id: 'dev-use-an-lpa',
  scope: 'sirius-gateway/lpa.read sirius-gateway/lpa.personal-data',
  token_use: 'access',
  iat: now(),
  nbf: now(),
  exp: now() + 600,
});

/** Signed as the dev issuer signs, as an access token (typ at+jwt) unless `typ` says otherwise. */
async function signed(claims: JWTPayload, options: { kid?: string; key?: Parameters<SignJWT['sign']>[0]; typ?: string } = {}): Promise<string> {
  const key = options.key ?? (await importJWK(devKey.privateJwk, 'RS256'));
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: options.kid ?? devKey.kid, typ: options.typ ?? 'at+jwt' }).sign(key);
}

const without = (claims: JWTPayload, ...names: string[]): JWTPayload =>
  Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));

/** Asserts a refusal: the status, the code, and that Sirius was not called. */
async function expectRefused(authorization: string | undefined, status: number, code: string, path = USE_AN_LPA, base = gateway.url) {
  const before = await gateway.siriusCalls();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query: VIEWER }),
  });
  const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[]; data?: unknown };
  expect(response.status).toBe(status);
  expect(body.errors[0]?.extensions.code).toBe(code);
  expect(body.data).toBeUndefined();
  expect(await gateway.siriusCalls()).toBe(before);
  return { response, body };
}

describe('authentication', () => {
  it('no token → 401 with WWW-Authenticate: Bearer', async () => {
    const { response, body } = await expectRefused(undefined, 401, 'UNAUTHENTICATED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sirius-gateway"');
    expect(body.errors[0]?.message).toBe('A bearer token is required.');
  });

  it.each([
    ['garbage', 'Bearer not-a-jwt'],
    ['garbage in JWT form', 'Bearer aaa.bbb.ccc'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('%s → 401 "Invalid or expired token."', async (_label, authorization) => {
    const { response, body } = await expectRefused(authorization, 401, 'UNAUTHENTICATED');
    expect(response.headers.get('www-authenticate')).toContain('Bearer realm="sirius-gateway"');
    if (authorization.startsWith('Bearer')) expect(body.errors[0]?.message).toBe('Invalid or expired token.');
  });

  it('a wrong signature (a key the issuer never had, same kid) → 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const { response, body } = await expectRefused(`Bearer ${await signed(validClaims(), { key: privateKey })}`, 401, 'UNAUTHENTICATED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sirius-gateway", error="invalid_token"');
    expect(body.errors[0]?.message).toBe('Invalid or expired token.');
  });

  it('an expired token → 401', async () => {
    await expectRefused(`Bearer ${await signed({ ...validClaims(), iat: now() - 700, nbf: now() - 700, exp: now() - 100 })}`, 401, 'UNAUTHENTICATED');
  });

  it('a token not yet valid → 401', async () => {
    await expectRefused(`Bearer ${await signed({ ...validClaims(), nbf: now() + 300 })}`, 401, 'UNAUTHENTICATED');
  });

  it('another issuer → 401', async () => {
    await expectRefused(`Bearer ${await signed({ ...validClaims(), iss: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other' })}`, 401, 'UNAUTHENTICATED');
  });

  it('another audience → 401', async () => {
    await expectRefused(`Bearer ${await signed({ ...validClaims(), aud: 'some-other-api' })}`, 401, 'UNAUTHENTICATED');
  });

  it('alg: none → 401', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT', kid: devKey.kid })}.${b64url(validClaims())}.`;
    await expectRefused(`Bearer ${token}`, 401, 'UNAUTHENTICATED');
  });

  it('HS256 signed with the public key as the secret → 401', async () => {
    const publicPem = JSON.stringify(devKey.publicJwk);
    const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: devKey.kid })}.${b64url(validClaims())}`;
    const signature = createHmac('sha256', publicPem).update(input).digest('base64url');
    await expectRefused(`Bearer ${input}.${signature}`, 401, 'UNAUTHENTICATED');
  });

  it('an unknown kid → 401, and the JWKS is refetched at most once in the back-off period', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    await exportJWK(publicKey);
    const fetchesBefore = gateway.embedded!.issuer.jwksRequests();
    for (const kid of ['unknown-1', 'unknown-2', 'unknown-3']) {
      await expectRefused(`Bearer ${await signed(validClaims(), { key: privateKey, kid })}`, 401, 'UNAUTHENTICATED');
    }
    expect(gateway.embedded!.issuer.jwksRequests() - fetchesBefore).toBeLessThanOrEqual(1);
    // A valid token still works straight after.
    const { status } = await gateway.graphql(USE_AN_LPA, { query: VIEWER });
    expect(status).toBe(200);
  });

  it('a valid token of a client the registry does not know → 403', async () => {
    await expectRefused(`Bearer ${await signed({ ...validClaims(), client_id: 'dev-stranger', sub: 'dev-stranger' })}`, 403, 'FORBIDDEN');
  });
});

describe('authorisation', () => {
  it('a caller on a consumer schema it is not registered for → 403 before parsing', async () => {
    const token = await gateway.token('use-an-lpa');
    const { body } = await expectRefused(`Bearer ${token}`, 403, 'FORBIDDEN', ONLINE_TOOL);
    expect(body.errors[0]?.message).toBe('This caller may not use lpa-online-tool v1.');
  });

  it('the use-an-lpa caller reads an LPA with its personal data', async () => {
    const { status, body } = await gateway.graphql(USE_AN_LPA, { query: VIEWER });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { lpa: { status: 'REGISTERED', donor: { surname: 'Sanderson', dateOfBirth: '1948-11-01', addresses: [{ postcode: 'DN37 5SH' }] } } },
    });
  });

  it('without the personal-data scope: those fields are null with FORBIDDEN, the rest intact', async () => {
    const token = await gateway.token('use-an-lpa', { scopes: ['lpa.read'] });
    const { status, body } = await gateway.graphql(USE_AN_LPA, { query: VIEWER }, { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(body.data).toEqual({ lpa: { status: 'REGISTERED', donor: { surname: 'Sanderson', dateOfBirth: null, addresses: null } } });
    expect(body.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.requiredScope])).toEqual([
      [['lpa', 'donor', 'dateOfBirth'], 'FORBIDDEN', 'lpa.personal-data'],
      [['lpa', 'donor', 'addresses'], 'FORBIDDEN', 'lpa.personal-data'],
    ]);
  });

  it('a token carrying no scope the registry granted reads nothing, and Sirius is not asked', async () => {
    const before = await gateway.siriusCalls();
    const token = await gateway.token('use-an-lpa', { scopes: [] });
    const { body } = await gateway.graphql(USE_AN_LPA, { query: VIEWER }, { authorization: `Bearer ${token}` });
    expect(body.data).toEqual({ lpa: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['lpa'], extensions: { code: 'FORBIDDEN', requiredScope: 'lpa.read' } });
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('scopes a token claims beyond the registry grant are ignored', async () => {
    const token = await gateway.token('lpa-online-tool', { scopes: ['lpa.status', 'lpa.read', 'lpa.personal-data'] });
    const response = await fetch(`${gateway.url}${USE_AN_LPA}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(response.status).toBe(403);
  });

  it('the online tool caller reads its summary', async () => {
    const { status, body } = await gateway.graphql(ONLINE_TOOL, {
      query: '{ lpa(onlineLpaId: "A33718377316") { ... on LpaSummary { status } } }',
    });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { lpa: { status: 'REGISTERED' } } });
  });
});

describe('query limits', () => {
  it('an over-deep query → 400 before any resolver runs', async () => {
    const before = await gateway.siriusCalls();
    // Introspection's ofType chains are the deep queries these schemas allow: 17 levels here.
    const ofTypes = 'ofType { '.repeat(12) + 'name' + ' }'.repeat(12);
    const deep = `{ __schema { types { fields { type { ${ofTypes} } } } } lpa(uid: "7000-0000-0047") { __typename } }`;
    const { status, body } = await gateway.graphql(USE_AN_LPA, { query: deep });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/depth/i);
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('an over-costly query → 400 before any Sirius call', async () => {
    const before = await gateway.siriusCalls();
    const person = 'uid salutation firstNames surname otherNames dateOfBirth email isActive addresses { addressLine1 addressLine2 addressLine3 town county postcode country }';
    const lpa = `... on Lpa { uid status donor { ${person} } attorneys { ${person} } replacementAttorneys { ${person} } certificateProviders { ${person} } }`;
    const aliases = Array.from({ length: 12 }, (_, i) => `a${i}: lpa(uid: "7000-0000-0047") { ${lpa} }`).join('\n');
    const { status, body } = await gateway.graphql(USE_AN_LPA, { query: `{ ${aliases} }` });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/cost/i);
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('too many aliases → 400 before any Sirius call', async () => {
    const before = await gateway.siriusCalls();
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: lpa(uid: "7000-0000-0047") { __typename }`).join(' ');
    const { status, body } = await gateway.graphql(USE_AN_LPA, { query: `{ ${aliases} }` });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it("Sandbox's own introspection query passes the limits", async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const { status, body } = await gateway.graphql(USE_AN_LPA, {
      query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true }),
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('too many tokens → 400 GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await gateway.graphql(USE_AN_LPA, { query: `{ ${'__typename '.repeat(2100)} }` });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('the standard viewer query of all fields passes every limit', async () => {
    const { status, body } = await gateway.graphql(USE_AN_LPA, {
      query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { uid status caseSubtype donor { firstNames surname dateOfBirth addresses { addressLine1 postcode } } attorneys { firstNames surname dateOfBirth } certificateProviders { firstNames surname } trustCorporations { companyName } } } }',
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});

describe('outside the embedded default', () => {
  let configured: RunningGateway;
  beforeAll(async () => {
    configured = await startConfiguredGateway(gateway, { SIRIUS_BASE_URL: gateway.siriusUrl });
  });
  afterAll(() => configured.close());

  async function ask(caller: string, query: string) {
    const response = await fetch(`${configured.url}${USE_AN_LPA}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gateway.token(caller)}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as { errors?: { message: string; extensions: { code: string } }[]; data?: unknown } };
  }

  it('introspection is refused to a caller without the explorer scope, and allowed with it', async () => {
    const refused = await ask('use-an-lpa', '{ __schema { queryType { name } } }');
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const allowed = await ask('explorer', '{ __schema { queryType { name } } }');
    expect(allowed.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('field suggestions are kept from callers without the explorer scope', async () => {
    const plain = await ask('use-an-lpa', '{ lpa(uid: "7000-0000-0047") { ... on Lpa { statu } } }');
    expect(plain.status).toBe(400);
    expect(plain.body.errors?.[0]?.message).toBe('Cannot query field "statu" on type "Lpa".');
    const explorer = await ask('explorer', '{ lpa(uid: "7000-0000-0047") { ... on Lpa { statu } } }');
    expect(explorer.body.errors?.[0]?.message).toMatch(/Did you mean "status"/);
  });

  it('serves no Sandbox landing page', async () => {
    const response = await fetch(`${configured.url}${USE_AN_LPA}`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
  });

  it('Apollo CSRF prevention refuses a simple GET query without a preflight header', async () => {
    const response = await fetch(`${configured.url}${USE_AN_LPA}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { authorization: `Bearer ${await gateway.token('use-an-lpa')}` },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });
});

describe('OIDC: access tokens only, each with exp and iat', () => {
  // Gateways configured as production is, trusting the dev issuer's keys: one by the default rule
  // (typ at+jwt or token_use access), one as for Entra ID (OIDC_ACCESS_TOKEN_CLAIM).
  let oidc: RunningGateway;
  let entra: RunningGateway;
  const oidcLogs: string[] = [];
  const entraLogs: string[] = [];
  beforeAll(async () => {
    [oidc, entra] = await Promise.all([
      startConfiguredGateway(gateway, { SIRIUS_BASE_URL: gateway.siriusUrl }, { logs: oidcLogs }),
      startConfiguredGateway(gateway, { SIRIUS_BASE_URL: gateway.siriusUrl, OIDC_ACCESS_TOKEN_CLAIM: 'idtyp=app' }, { logs: entraLogs }),
    ]);
  });
  afterAll(() => Promise.all([oidc?.close(), entra?.close()]));

  /** The reason the gateway logged for its latest refusal: the caller is told no more than 401. */
  const lastRefusal = (logs: string[]) =>
    logs
      .map((line) => JSON.parse(line) as { msg?: string; reason?: string })
      .filter((entry) => entry.msg === 'authentication refused')
      .at(-1)?.reason;

  async function expectAccepted(base: string, token: string) {
    const response = await fetch(`${base}${USE_AN_LPA}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ lpa(uid: "7000-0000-0047") { ... on Lpa { status } } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { lpa: { status: 'REGISTERED' } } });
  }

  it.each([
    ['a token without exp', () => signed(without(validClaims(), 'exp')), /no exp/],
    ['a token without iat', () => signed(without(validClaims(), 'iat')), /no iat/],
    ['an ID token (token_use id, typ JWT)', () => signed({ ...validClaims(), token_use: 'id' }, { typ: 'JWT' }), /not an access token/],
    ['a token with neither typ at+jwt nor token_use access', () => signed(without(validClaims(), 'token_use'), { typ: 'JWT' }), /not an access token/],
    ['an access token with a nonce', () => signed({ ...validClaims(), nonce: 'n-0S6_WzA2Mj' }), /nonce/],
  ])('%s → 401', async (_label, token, reason) => {
    const { body } = await expectRefused(`Bearer ${await token()}`, 401, 'UNAUTHENTICATED', USE_AN_LPA, oidc.url);
    expect(body.errors[0]?.message).toBe('Invalid or expired token.');
    expect(lastRefusal(oidcLogs)).toMatch(reason);
  });

  it.each([
    ['typ at+jwt alone', () => signed(without(validClaims(), 'token_use'))],
    ['typ application/at+jwt alone', () => signed(without(validClaims(), 'token_use'), { typ: 'application/at+jwt' })],
    ['token_use access alone (as Cognito)', () => signed(validClaims(), { typ: 'JWT' })],
    ['both, from the dev issuer', () => gateway.token('use-an-lpa')],
  ])('an access token marked by %s → 200', async (_label, token) => {
    await expectAccepted(oidc.url, await token());
  });

  it('with OIDC_ACCESS_TOKEN_CLAIM=idtyp=app: a token carrying that claim passes, one without it is refused', async () => {
    const entraToken = without({ ...validClaims(), idtyp: 'app' }, 'token_use');
    await expectAccepted(entra.url, await signed(entraToken, { typ: 'JWT' }));
    await expectRefused(`Bearer ${await gateway.token('use-an-lpa')}`, 401, 'UNAUTHENTICATED', USE_AN_LPA, entra.url);
    expect(lastRefusal(entraLogs)).toMatch(/no idtyp=app claim/);
    await expectRefused(`Bearer ${await signed({ ...entraToken, idtyp: 'user' }, { typ: 'JWT' })}`, 401, 'UNAUTHENTICATED', USE_AN_LPA, entra.url);
  });

  it('with OIDC_ACCESS_TOKEN_CLAIM set, a nonce or a missing exp is still refused', async () => {
    const entraToken = without({ ...validClaims(), idtyp: 'app' }, 'token_use');
    await expectRefused(`Bearer ${await signed({ ...entraToken, nonce: 'n-0S6_WzA2Mj' }, { typ: 'JWT' })}`, 401, 'UNAUTHENTICATED', USE_AN_LPA, entra.url);
    expect(lastRefusal(entraLogs)).toMatch(/nonce/);
    await expectRefused(`Bearer ${await signed(without(entraToken, 'exp'), { typ: 'JWT' })}`, 401, 'UNAUTHENTICATED', USE_AN_LPA, entra.url);
    expect(lastRefusal(entraLogs)).toMatch(/no exp/);
  });
});
