import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_LPA_STORE_CREDENTIALS, startLpaStoreSimulator, type LpaStoreCallLog, type LpaStoreSimulator } from '../../src/dev/lpa-store-simulator';
import { LpaUpdatedEventSchema, type LpaUpdatedEvent } from '../../src/events/lpa-updated-event';
import { createLpaStoreSigner, fixedCredentials, GATEWAY_SUBJECT, type LpaStoreSigner } from '../../src/lpa-store/request-signer';
import { fixedSecret } from '../../src/sirius/request-signer';

// The LPA Store simulator over real HTTP, called with the gateway's real signer (SigV4 + JWT).

const REGION = 'eu-west-2';
const JWT_SECRET = 'lpa-store-simulator-test-secret-0123456789';

let store: LpaStoreSimulator;
let signer: LpaStoreSigner;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

interface CallOptions {
  signer?: LpaStoreSigner;
  actor?: string;
  /** Signed and sent instead of the JSON of `body`. */
  raw?: string;
  /** Sent instead of what was signed. */
  sendBody?: string;
  headers?: (signed: Record<string, string>) => Record<string, string>;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, store.url);
  const text = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const signed = await (options.signer ?? signer).sign({ method, url, body: text }, options.actor);
  const headers = options.headers ? options.headers(signed) : signed;
  const response = await fetch(url, { method, headers, body: options.sendBody ?? text });
  const answer = await response.text();
  return { status: response.status, headers: response.headers, text: answer, body: answer ? JSON.parse(answer) : undefined };
}

async function callLog(): Promise<LpaStoreCallLog> {
  return (await (await fetch(`${store.url}/__calls`)).json()) as LpaStoreCallLog;
}

async function setFaults(faults: Record<string, unknown>): Promise<Response> {
  return fetch(`${store.url}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
}

beforeAll(async () => {
  store = await startLpaStoreSimulator({ region: REGION, credentials: LOCAL_LPA_STORE_CREDENTIALS, jwtSecret: JWT_SECRET });
  signer = createLpaStoreSigner({ region: REGION, credentials: fixedCredentials(LOCAL_LPA_STORE_CREDENTIALS), jwtSecret: fixedSecret(JWT_SECRET) });
});

afterAll(() => store.close());

beforeEach(async () => {
  await setFaults({});
});

describe('reads, signed as the store demands', () => {
  it('GET /lpas/{uid} answers a seeded LPA in the store’s shape', async () => {
    const answer = await call('GET', '/lpas/M-7890-0400-4000');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      uid: 'M-7890-0400-4000',
      status: 'registered',
      lpaType: 'personal-welfare',
      registrationDate: '2024-02-12T12:00:00Z',
      donor: { firstNames: 'Feeg', lastName: 'Bundlaaaa' },
      attorneys: [{ status: 'active', appointmentType: 'original', signedAt: '2024-01-13T22:00:00Z' }],
      trustCorporations: [{ name: 'Trust us Corp.', signatories: [{ firstNames: 'Sam' }, { firstNames: 'Sandra' }] }],
    });
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('POST /lpas answers several, once each, and leaves unknown uids out', async () => {
    const uids = ['M-1000-0000-0105', 'M-7890-0400-4000', 'M-9999-9999-9999', 'M-1000-0000-0049', 'M-7890-0400-4000'];
    const answer = await call('POST', '/lpas', { uids });
    expect(answer.status).toBe(200);
    const found = (answer.body.lpas as { uid: string }[]).map((lpa) => lpa.uid);
    expect(found.sort()).toEqual(['M-1000-0000-0049', 'M-1000-0000-0105', 'M-7890-0400-4000']);
  });

  it('POST /lpas with no known uid answers an empty list', async () => {
    const answer = await call('POST', '/lpas', { uids: ['M-9999-9999-9999'] });
    expect(answer).toMatchObject({ status: 200, body: { lpas: [] } });
  });

  it('presign-images in the query is accepted (and signed)', async () => {
    const answer = await call('GET', '/lpas/M-1000-0000-0025?presign-images');
    expect(answer.status).toBe(200);
    expect(answer.body.channel).toBe('paper');
  });

  it('404 for an LPA it does not hold, with the store’s NotFoundError', async () => {
    const answer = await call('GET', '/lpas/M-9999-9999-9999');
    expect(answer).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', detail: 'Record not found' } });
  });

  it('400 for a malformed uid in the path, with the store’s BadRequestError', async () => {
    const answer = await call('GET', '/lpas/700000000047');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 'INVALID_REQUEST', detail: 'Invalid request', errors: [{ source: '/uid', detail: 'invalid uid format' }] });
  });

  it('400 for a malformed POST body, a malformed uid in it, or more than 100 uids', async () => {
    const noUids = await call('POST', '/lpas', { lpas: [] });
    expect(noUids).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST', errors: [{ source: '/uids' }] } });

    const badUid = await call('POST', '/lpas', { uids: ['M-7890-0400-4000', 'not-a-uid'] });
    expect(badUid).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST', errors: [{ source: '/uids/1', detail: 'invalid uid format' }] } });

    const tooMany = await call('POST', '/lpas', { uids: Array.from({ length: 101 }, () => 'M-7890-0400-4000') });
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST', errors: [{ source: '/uids' }] } });

    const unparsable = await call('POST', '/lpas', undefined, { raw: '{"uids": [' });
    expect(unparsable).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });

    const notAnObject = await call('POST', '/lpas', ['M-7890-0400-4000']);
    expect(notAnObject).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
  });

  it('the health check needs no signature', async () => {
    const response = await fetch(`${store.url}/health-check`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', statusCode: 200 });
  });
});

describe('SigV4, as API Gateway’s IAM auth checks it', () => {
  it('refuses an unsigned call with 403 Missing Authentication Token', async () => {
    const response = await fetch(`${store.url}/lpas/M-7890-0400-4000`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('refuses a signature made with the wrong secret key', async () => {
    const wrong = createLpaStoreSigner({
      region: REGION,
      credentials: fixedCredentials({ accessKeyId: LOCAL_LPA_STORE_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' }),
      jwtSecret: fixedSecret(JWT_SECRET),
    });
    const answer = await call('GET', '/lpas/M-7890-0400-4000', undefined, { signer: wrong });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(answer.body.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('refuses an unknown access key, and a signature scoped to another region', async () => {
    const unknown = createLpaStoreSigner({ region: REGION, credentials: fixedCredentials({ accessKeyId: 'another-key', secretAccessKey: 'x' }), jwtSecret: fixedSecret(JWT_SECRET) });
    const elsewhere = createLpaStoreSigner({ region: 'eu-west-1', credentials: fixedCredentials(LOCAL_LPA_STORE_CREDENTIALS), jwtSecret: fixedSecret(JWT_SECRET) });
    expect(await call('GET', '/lpas/M-7890-0400-4000', undefined, { signer: unknown })).toMatchObject({
      status: 403,
      body: { message: 'The security token included in the request is invalid.' },
    });
    expect(await call('GET', '/lpas/M-7890-0400-4000', undefined, { signer: elsewhere })).toMatchObject({ status: 403 });
  });

  it('refuses a body changed after signing', async () => {
    const answer = await call('POST', '/lpas', { uids: ['M-7890-0400-4000'] }, { sendBody: JSON.stringify({ uids: ['M-1000-0000-0017'] }) });
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/signature we calculated does not match/);
  });

  it('refuses a body changed after signing even when its declared hash is dropped', async () => {
    const answer = await call('POST', '/lpas', { uids: ['M-7890-0400-4000'] }, {
      sendBody: JSON.stringify({ uids: ['M-1000-0000-0017'] }),
      headers: ({ 'x-amz-content-sha256': _dropped, ...rest }) => rest,
    });
    expect(answer.status).toBe(403);
  });

  it('refuses a path or query changed after signing', async () => {
    const url = new URL('/lpas/M-7890-0400-4000', store.url);
    const signed = await signer.sign({ method: 'GET', url });
    const otherPath = await fetch(new URL('/lpas/M-1000-0000-0017', store.url), { headers: signed });
    expect(otherPath.status).toBe(403);
    const withQuery = await fetch(new URL('/lpas/M-7890-0400-4000?presign-images', store.url), { headers: signed });
    expect(withQuery.status).toBe(403);
  });

  it('refuses a JWT swapped after signing (the JWT header is signed too)', async () => {
    const other = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('opg.poas.use')
      .setSubject('urn:opg:poas:use:users:someone-else')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const answer = await call('GET', '/lpas/M-7890-0400-4000', undefined, { headers: (signed) => ({ ...signed, 'x-jwt-authorization': `Bearer ${other}` }) });
    expect(answer.status).toBe(403);
  });

  it('answers an unknown route as API Gateway does, and the store’s write routes with 501 once authorised', async () => {
    const unknown = await call('GET', '/nothing-here');
    expect(unknown).toMatchObject({ status: 403, body: { message: 'Missing Authentication Token' } });
    const updates = await call('POST', '/lpas/M-7890-0400-4000/updates', { type: 'REGISTER', changes: [] });
    expect(updates.status).toBe(501);
  });
});

describe('X-Jwt-Authorization, as the store’s Lambdas check it', () => {
  const key = new TextEncoder().encode(JWT_SECRET);
  const token = (claims: { iss?: string; sub?: string; exp?: number; iat?: number }, secret = key) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(claims.iat ?? now).setExpirationTime(claims.exp ?? now + 60);
    if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
    if (claims.sub !== undefined) jwt.setSubject(claims.sub);
    return jwt.sign(secret);
  };

  /** A call SigV4-signed with `jwtHeader` in place of the signer's own (or without one). */
  async function withJwt(jwtHeader: string | undefined): Promise<Answer> {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Sha256 } = await import('@smithy/core/checksum');
    const url = new URL('/lpas/M-7890-0400-4000', store.url);
    const sigv4 = new SignatureV4({ service: 'execute-api', region: REGION, credentials: LOCAL_LPA_STORE_CREDENTIALS, sha256: Sha256 });
    const headers: Record<string, string> = { host: url.host, ...(jwtHeader === undefined ? {} : { 'x-jwt-authorization': jwtHeader }) };
    const signed = await sigv4.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers });
    const response = await fetch(url, { headers: signed.headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
  }

  it('refuses a call without one with 401 UNAUTHORISED', async () => {
    expect(await withJwt(undefined)).toMatchObject({ status: 401, body: { code: 'UNAUTHORISED', detail: 'Invalid JWT' } });
  });

  it('refuses a token signed with another secret, expired, from an unknown issuer, or whose subject is not an OPG URN', async () => {
    const sub = 'urn:opg:poas:use:users:abc';
    const past = Math.floor(Date.now() / 1000) - 600;
    const refused = [
      `Bearer ${await token({ iss: 'opg.poas.use', sub }, new TextEncoder().encode('another-secret-entirely-0123456789'))}`,
      `Bearer ${await token({ iss: 'opg.poas.use', sub, iat: past, exp: past + 60 })}`,
      `Bearer ${await token({ iss: 'somebody.else', sub })}`,
      `Bearer ${await token({ iss: 'opg.poas.use', sub: 'alice@example.com' })}`,
      `Bearer ${await token({ iss: 'opg.poas.use' })}`,
      `Bearer ${await token({ iss: 'opg.poas.use', sub, iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 900 })}`,
      await token({ iss: 'opg.poas.use', sub }), // no Bearer
      'Bearer not.a.jwt',
    ];
    for (const header of refused) expect((await withJwt(header)).status, header).toBe(401);
  });

  it('takes a valid one, and the signer names the person acting or the gateway', async () => {
    expect((await withJwt(`Bearer ${await token({ iss: 'opg.poas.use', sub: 'urn:opg:poas:use:users:abc' })}`)).status).toBe(200);

    await call('GET', '/lpas/M-7890-0400-4000', undefined, { actor: '5f2c1b0e-8d4a-4c3b-9a1e-7f6d5c4b3a29' });
    expect((await callLog()).lastJwtSubject).toBe('urn:opg:poas:use:users:5f2c1b0e-8d4a-4c3b-9a1e-7f6d5c4b3a29');
    await call('GET', '/lpas/M-7890-0400-4000');
    expect((await callLog()).lastJwtSubject).toBe(GATEWAY_SUBJECT);
  });

  it('the signer will not put an id that is not one into a URN', async () => {
    await expect(signer.sign({ method: 'GET', url: new URL('/lpas/M-7890-0400-4000', store.url) }, 'a:b')).rejects.toThrow(TypeError);
    await expect(signer.sign({ method: 'GET', url: new URL('/lpas/M-7890-0400-4000', store.url) }, '')).rejects.toThrow(TypeError);
  });
});

describe('faults and calls', () => {
  it('injects a status, in the words of the layer that would send it', async () => {
    expect((await setFaults({ status: 503 })).status).toBe(200);
    expect(await call('GET', '/lpas/M-7890-0400-4000')).toMatchObject({ status: 503, body: { message: 'Service Unavailable' } });
    expect(await call('POST', '/lpas', { uids: ['M-7890-0400-4000'] })).toMatchObject({ status: 503 });
    await setFaults({ status: 500 });
    expect(await call('GET', '/lpas/M-7890-0400-4000')).toMatchObject({ status: 500, body: { code: 'INTERNAL_SERVER_ERROR' } });
    // Authentication still comes first.
    expect((await fetch(`${store.url}/lpas/M-7890-0400-4000`)).status).toBe(403);
  });

  it('answers every read with exactly the given body', async () => {
    await setFaults({ body: '<html>oops</html>' });
    const one = await fetch(new URL('/lpas/M-7890-0400-4000', store.url), { headers: await signer.sign({ method: 'GET', url: new URL('/lpas/M-7890-0400-4000', store.url) }) });
    expect(one.status).toBe(200);
    expect(await one.text()).toBe('<html>oops</html>');
    const body = JSON.stringify({ uids: ['M-7890-0400-4000'] });
    const many = await fetch(new URL('/lpas', store.url), { method: 'POST', body, headers: await signer.sign({ method: 'POST', url: new URL('/lpas', store.url), body }) });
    expect(await many.text()).toBe('<html>oops</html>');
  });

  it('is slow when told to', async () => {
    await setFaults({ latencyMs: 300 });
    const started = Date.now();
    expect((await call('GET', '/lpas/M-7890-0400-4000')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('refuses faults it does not know, and {} resets them', async () => {
    expect((await setFaults({ status: 200 })).status).toBe(400);
    expect((await setFaults({ dynamodb: { hang: true } })).status).toBe(400);
    await setFaults({ status: 502, latencyMs: 10 });
    await setFaults({});
    expect((await call('GET', '/lpas/M-7890-0400-4000')).status).toBe(200);
  });

  it('counts calls by route and the uids asked for', async () => {
    const before = await callLog();
    await call('GET', '/lpas/M-7890-0400-4000', undefined, { actor: 'actor-1' });
    await call('POST', '/lpas', { uids: ['M-7890-0400-4000', 'M-1000-0000-0017', 'M-9999-9999-9999'] });
    await fetch(`${store.url}/lpas/M-7890-0400-4000`); // refused, still counted
    await fetch(`${store.url}/health-check`); // not an API call
    const after = await callLog();
    expect(after.total - before.total).toBe(3);
    expect(after.byRoute['GET /lpas/{uid}'] - before.byRoute['GET /lpas/{uid}']).toBe(2);
    expect(after.byRoute['POST /lpas'] - before.byRoute['POST /lpas']).toBe(1);
    expect(after.uidsRequested - before.uidsRequested).toBe(5);
    expect(after.lastJwtSubject).toBe(GATEWAY_SUBJECT);
  });
});

describe('fixtures', () => {
  it('replace the seeded LPAs: a file holding one document, or a folder of arrays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpa-store-fixtures-'));
    const lpa = (uid: string) => ({ uid, status: 'registered', lpaType: 'property-and-affairs', updatedAt: '2024-01-01T00:00:00Z' });
    writeFileSync(join(dir, 'a.json'), JSON.stringify(lpa('M-1000-0000-0139')));
    writeFileSync(join(dir, 'b.json'), JSON.stringify([lpa('M-7890-0400-4000')]));
    const custom = await startLpaStoreSimulator({ fixtures: dir, region: REGION, credentials: LOCAL_LPA_STORE_CREDENTIALS, jwtSecret: JWT_SECRET });
    try {
      expect(custom.uids).toEqual(['M-1000-0000-0139', 'M-7890-0400-4000']);
      const url = new URL('/lpas/M-7890-0400-4000', custom.url);
      const response = await fetch(url, { headers: await signer.sign({ method: 'GET', url }) });
      expect(await response.json()).toEqual(lpa('M-7890-0400-4000'));
      const seededOnly = new URL('/lpas/M-1000-0000-0017', custom.url);
      expect((await fetch(seededOnly, { headers: await signer.sign({ method: 'GET', url: seededOnly }) })).status).toBe(404);
    } finally {
      await custom.close();
    }
    const single = join(dir, 'a.json');
    const one = await startLpaStoreSimulator({ fixtures: single, region: REGION, credentials: LOCAL_LPA_STORE_CREDENTIALS, jwtSecret: JWT_SECRET });
    expect(one.uids).toEqual(['M-1000-0000-0139']);
    await one.close();
  });

  it('refuse a document without a store uid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpa-store-fixtures-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ uid: '700000000047' }]));
    await expect(startLpaStoreSimulator({ fixtures: dir, region: REGION, credentials: LOCAL_LPA_STORE_CREDENTIALS, jwtSecret: JWT_SECRET })).rejects.toThrow(/no uid like/);
  });
});

describe('changes: POST /__lpas/{uid}/updates, unsigned, and an lpa-updated event for each', () => {
  // A simulator of its own, so that its changes leave the shared one's seeded LPAs as they are.
  let changing: LpaStoreSimulator;
  const received: LpaUpdatedEvent[] = [];

  const cancel = { type: 'OPG_STATUS_CHANGE', changes: [{ key: '/status', old: 'registered', new: 'cancelled' }] };

  async function update(uid: string, body: unknown, base = changing.url): Promise<Answer> {
    const response = await fetch(`${base}/__lpas/${uid}/updates`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
  }

  async function signedGet(uid: string, base = changing.url): Promise<Answer> {
    const url = new URL(`/lpas/${uid}`, base);
    const response = await fetch(url, { headers: await signer.sign({ method: 'GET', url }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
  }

  async function changingFaults(faults: Record<string, unknown>): Promise<Response> {
    return fetch(`${changing.url}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
  }

  async function changingCalls(): Promise<LpaStoreCallLog> {
    return (await (await fetch(`${changing.url}/__calls`)).json()) as LpaStoreCallLog;
  }

  /** The events received for `uid`, once `count` have arrived (and nothing more within a moment). */
  async function eventsFor(uid: string, count: number): Promise<LpaUpdatedEvent[]> {
    const mine = () => received.filter((event) => event.detail.uid === uid);
    await vi.waitFor(() => expect(mine().length).toBeGreaterThanOrEqual(count), { timeout: 2_000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return mine();
  }

  beforeAll(async () => {
    changing = await startLpaStoreSimulator({
      region: REGION,
      credentials: LOCAL_LPA_STORE_CREDENTIALS,
      jwtSecret: JWT_SECRET,
      onChange: (event) => {
        received.push(event);
      },
    });
  });

  afterAll(() => changing.close());

  beforeEach(async () => {
    await changingFaults({});
  });

  it('applies an update as the store would: 201 with the updated LPA, which a signed read then shows', async () => {
    const before = (await signedGet('M-1000-0000-0030')).body;
    expect(before.status).toBe('registered');

    const answer = await update('M-1000-0000-0030', cancel);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.body).toMatchObject({ uid: 'M-1000-0000-0030', status: 'cancelled', registrationDate: before.registrationDate });
    expect(Date.parse(answer.body.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    expect(Math.abs(Date.parse(answer.body.updatedAt) - Date.now())).toBeLessThan(5_000);
    // Nothing else changed.
    expect({ ...answer.body, status: before.status, updatedAt: before.updatedAt }).toEqual(before);

    const read = await signedGet('M-1000-0000-0030');
    expect(read).toMatchObject({ status: 200, body: answer.body });
    const url = new URL('/lpas', changing.url);
    const list = JSON.stringify({ uids: ['M-1000-0000-0030'] });
    const many = await fetch(url, { method: 'POST', body: list, headers: await signer.sign({ method: 'POST', url, body: list }) });
    expect(((await many.json()) as { lpas: unknown[] }).lpas).toEqual([answer.body]);
  });

  it('announces each change applied with exactly one lpa-updated event: its uid, its type, the change’s time', async () => {
    const calls = await changingCalls();
    const register = await update('M-1000-0000-0058', { type: 'REGISTER', changes: [] });
    expect(register).toMatchObject({ status: 201, body: { status: 'registered' } });
    const cancelled = await update('M-1000-0000-0058', cancel);
    expect(cancelled).toMatchObject({ status: 201, body: { status: 'cancelled' } });

    const events = await eventsFor('M-1000-0000-0058', 2);
    expect(events).toHaveLength(2);
    for (const event of events) expect(LpaUpdatedEventSchema.parse(event)).toEqual(event);
    expect(events.map((event) => event.detail)).toEqual([
      { uid: 'M-1000-0000-0058', changeType: 'REGISTER' },
      { uid: 'M-1000-0000-0058', changeType: 'OPG_STATUS_CHANGE' },
    ]);
    expect(events.map((event) => ({ source: event.source, detailType: event['detail-type'] }))).toEqual([
      { source: 'opg.poas.lpastore', detailType: 'lpa-updated' },
      { source: 'opg.poas.lpastore', detailType: 'lpa-updated' },
    ]);
    expect(events.map((event) => event.time)).toEqual([register.body.updatedAt, cancelled.body.updatedAt]);
    expect(Date.parse(events[1]!.time)).toBeGreaterThan(Date.parse(events[0]!.time));
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
    const after = await changingCalls();
    expect(after.eventsEmitted - calls.eventsEmitted).toBe(2);
    expect(after.eventsDropped).toBe(calls.eventsDropped);
  });

  it('refuses what the store refuses: 400 with the store’s problem body, nothing applied, no event', async () => {
    const calls = await changingCalls();
    const before = (await signedGet('M-1000-0000-0049')).body;
    expect(before.status).toBe('in-progress');

    const inProgress = await update('M-1000-0000-0049', { type: 'OPG_STATUS_CHANGE', changes: [{ key: '/status', old: 'in-progress', new: 'cancelled' }] });
    expect(inProgress).toMatchObject({ status: 400 });
    expect(inProgress.body).toEqual({
      code: 'INVALID_REQUEST',
      detail: 'Invalid request',
      errors: [{ source: '/status', detail: 'Lpa status has to be registered while changing to cancelled' }],
    });
    const refusals: [unknown, { source: string; detail?: string }][] = [
      [cancel, { source: '/changes/0/old', detail: 'does not match existing value' }], // it is in progress, not registered
      [{ type: 'REGISTER', changes: [] }, { source: '/type', detail: 'status must be statutory waiting period to register' }],
      [{ type: 'NOT_A_TYPE', changes: [] }, { source: '/type', detail: 'invalid value' }],
      [{ type: 'CORRECTION', changes: [{ key: '/uid', old: 'M-1000-0000-0049', new: 'M-7890-0400-4000' }] }, { source: '/changes/0' }],
      [{ type: 'CORRECTION', changes: [{ key: '/attorneys/7/firstNames', new: 'Nobody' }] }, { source: '/changes/0/key' }],
      [{ type: 'DONOR_WITHDRAW_LPA', changes: [{ key: '/status', new: 'withdrawn' }] }, { source: '/changes/0' }],
    ];
    for (const [body, error] of refusals) {
      const answer = await update('M-1000-0000-0049', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: 'INVALID_REQUEST', detail: 'Invalid request', errors: [error] });
    }

    expect((await signedGet('M-1000-0000-0049')).body).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.filter((event) => event.detail.uid === 'M-1000-0000-0049')).toEqual([]);
    expect((await changingCalls()).eventsEmitted).toBe(calls.eventsEmitted);
  });

  it('404 for an LPA it does not hold, 400 for a malformed body, and no signature needed (nor any checked)', async () => {
    expect(await update('M-9999-9999-9999', cancel)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', detail: 'Record not found' } });
    expect(await update('not-a-uid', cancel)).toMatchObject({ status: 404 });
    const malformed: [unknown, string][] = [
      ['{"type": ', ''],
      [[cancel], '/'],
      [{ changes: [] }, '/type'],
      [{ type: 7, changes: [] }, '/type'],
      [{ type: 'OPG_STATUS_CHANGE' }, '/changes'],
      [{ type: 'OPG_STATUS_CHANGE', changes: {} }, '/changes'],
      [{ type: 'OPG_STATUS_CHANGE', changes: [{ old: 'registered', new: 'cancelled' }] }, '/changes/0/key'],
      [{ type: 'OPG_STATUS_CHANGE', changes: [{ key: '/status', old: 'registered' }] }, '/changes/0/new'],
    ];
    for (const [body, source] of malformed) {
      const answer = await update('M-7890-0400-4000', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: 'INVALID_REQUEST', detail: 'Invalid request', errors: [{ source }] });
    }
    expect((await signedGet('M-7890-0400-4000')).body.status).toBe('registered');
    // The store's own (signed) update route is still not served.
    const url = new URL('/lpas/M-7890-0400-4000/updates', changing.url);
    const body = JSON.stringify(cancel);
    const signed = await fetch(url, { method: 'POST', body, headers: await signer.sign({ method: 'POST', url, body }) });
    expect(signed.status).toBe(501);
  });

  it('is the engineer’s control surface: the API’s faults do not touch it', async () => {
    await changingFaults({ status: 503, latencyMs: 2_000 });
    const started = Date.now();
    expect((await update('M-1000-0000-0025', cancel)).status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1_000);
    await changingFaults({});
    expect((await signedGet('M-1000-0000-0025')).body.status).toBe('cancelled');
    expect((await eventsFor('M-1000-0000-0025', 1)).map((event) => event.detail.changeType)).toEqual(['OPG_STATUS_CHANGE']);
  });

  it('events.drop: the change is applied and answered, its event is thrown away and counted', async () => {
    const calls = await changingCalls();
    expect((await changingFaults({ events: { drop: true } })).status).toBe(200);
    expect(await update('M-1000-0000-0096', cancel)).toMatchObject({ status: 201, body: { status: 'cancelled' } });
    expect((await signedGet('M-1000-0000-0096')).body.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.filter((event) => event.detail.uid === 'M-1000-0000-0096')).toEqual([]);
    const after = await changingCalls();
    expect(after.eventsEmitted - calls.eventsEmitted).toBe(1);
    expect(after.eventsDropped - calls.eventsDropped).toBe(1);

    // {} resets: the next change is announced.
    await changingFaults({});
    expect((await update('M-1000-0000-0126', cancel)).status).toBe(201);
    expect(await eventsFor('M-1000-0000-0126', 1)).toHaveLength(1);
    expect((await changingCalls()).eventsDropped).toBe(after.eventsDropped);
  });

  it('events.delayMs: the answer is at once, the event that much later; combines with the other faults', async () => {
    expect((await changingFaults({ events: { delayMs: 400 }, latencyMs: 10 })).status).toBe(200);
    const started = Date.now();
    expect((await update('M-1000-0000-0118', cancel)).status).toBe(201);
    expect(Date.now() - started).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(received.filter((event) => event.detail.uid === 'M-1000-0000-0118')).toEqual([]);
    const events = await eventsFor('M-1000-0000-0118', 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(events.map((event) => event.detail)).toEqual([{ uid: 'M-1000-0000-0118', changeType: 'OPG_STATUS_CHANGE' }]);
  });

  it('refuses event faults it does not know', async () => {
    for (const events of [{ delayMs: 60_001 }, { delayMs: -1 }, { delayMs: 1.5 }, { drop: 'yes' }, { lose: true }, true]) {
      expect((await changingFaults({ events })).status, JSON.stringify(events)).toBe(400);
    }
    expect((await changingFaults({ events: { drop: true, delayMs: 60_000 }, status: 503 })).status).toBe(200);
  });

  it('a handler that fails or never settles neither holds up nor breaks the answer', async () => {
    let calls = 0;
    const stuck = await startLpaStoreSimulator({
      region: REGION,
      credentials: LOCAL_LPA_STORE_CREDENTIALS,
      jwtSecret: JWT_SECRET,
      onChange: (event) => {
        calls += 1;
        if (event.detail.changeType === 'OPG_STATUS_CHANGE') return new Promise<void>(() => undefined);
        if (calls % 2 === 0) throw new Error('the handler throws');
        return Promise.reject(new Error('the handler rejects'));
      },
    });
    try {
      expect((await update('M-1000-0000-0058', { type: 'REGISTER', changes: [] }, stuck.url)).status).toBe(201);
      expect((await update('M-1000-0000-0049', { type: 'CORRECTION', changes: [{ key: '/donor/firstNames', new: 'Ffion' }] }, stuck.url)).status).toBe(201);
      expect((await update('M-7890-0400-4000', cancel, stuck.url)).status).toBe(201);
      await vi.waitFor(() => expect(calls).toBe(3), { timeout: 2_000, interval: 10 });
      expect((await signedGet('M-1000-0000-0049', stuck.url)).body.donor.firstNames).toBe('Ffion');
    } finally {
      await stuck.close();
    }
  });
});
