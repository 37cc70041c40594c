import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeSecrets } from '../../src/codes/code-secrets';
import { CODE_ALPHABET } from '../../src/codes/activation-code';
import { fixedSecret } from '../../src/sirius/request-signer';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { awayFromMinuteEnd } from '../support/minute-window';

// Activation codes end to end: case management creates and revokes them, Use an LPA checks and
// uses them, and every state lives in dynalite, reached through the real AWS SDK.

const CASE_MANAGEMENT = '/sirius-case-management/v1/graphql';
const USE_AN_LPA = '/use-an-lpa/v2/graphql';
const LPA = '7000-0000-0047';
const DONOR = '7000-0000-0799';
const DOB = '1948-11-01';

const CREATE = `mutation ($input: [CreateActivationCodeInput!]!, $idempotencyKey: String) {
  createActivationCodes(input: $input, idempotencyKey: $idempotencyKey) { lpaUid actorUid code createdAt expiresAt } }`;
const STATUS = 'query ($lpaUid: SiriusUid!, $actorUid: SiriusUid!) { activationCodeStatus(lpaUid: $lpaUid, actorUid: $actorUid) { status usedAt revokedAt expiresAt } }';
const REVOKE = 'mutation ($lpaUid: SiriusUid!, $actorUid: SiriusUid!) { revokeActivationCode(lpaUid: $lpaUid, actorUid: $actorUid) { revoked } }';
const check = (field: 'validateActivationCode' | 'markActivationCodeUsed') =>
  `mutation ($code: String!, $lpaUid: LpaUid!, $dateOfBirth: Date!) { ${field}(code: $code, lpaUid: $lpaUid, dateOfBirth: $dateOfBirth) {
    __typename ... on ActivationCodeAccepted { actorUid } ... on ActivationCodeRefused { reason retryAfterSeconds } } }`;

const logs: string[] = [];
let gateway: TestGateway;
beforeAll(async () => {
  // 100 concurrent checks queue up in one in-process dynalite: on a loaded machine a call may take
  // longer than production's codes deadline, which these tests are not about (see the hardening tests).
  gateway = await startTestGateway({ CODES_CHECKS_PER_MINUTE_PER_CODE: '1000', CODES_CHECKS_PER_MINUTE_PER_CALLER: '100000', CODES_DYNAMODB_TIMEOUT_MS: '5000' }, { logs });
});
afterAll(() => gateway.close());

let actorCounter = 100;
/** A fresh actor uid per test, so that tests do not share codes. */
const newActor = () => `7000-0000-${String(actorCounter++).padStart(4, '0')}`;

async function create(actorUid: string, dateOfBirth = DOB, headers: Record<string, string> = {}, idempotencyKey?: string) {
  const response = await gateway.graphql(CASE_MANAGEMENT, { query: CREATE, variables: { input: [{ lpaUid: LPA, actorUid, dateOfBirth }], idempotencyKey } }, headers);
  return response;
}

async function newCode(actorUid: string, dateOfBirth = DOB): Promise<string> {
  const { body } = await create(actorUid, dateOfBirth);
  expect(body.errors).toBeUndefined();
  return body.data?.createActivationCodes[0].code as string;
}

async function checkCode(field: 'validateActivationCode' | 'markActivationCodeUsed', code: string, lpaUid = LPA, dateOfBirth = DOB) {
  const { status, body } = await gateway.graphql(USE_AN_LPA, { query: check(field), variables: { code, lpaUid, dateOfBirth } });
  expect(status).toBe(200);
  return body.data?.[field] as { __typename: string; actorUid?: string; reason?: string; retryAfterSeconds?: number | null };
}

async function status(actorUid: string) {
  const { body } = await gateway.graphql(CASE_MANAGEMENT, { query: STATUS, variables: { lpaUid: LPA, actorUid } });
  return body.data?.activationCodeStatus as { status: string; usedAt: string | null; revokedAt: string | null } | null;
}

function codesTable() {
  const { endpoint, tableName } = gateway.embedded!.codesTable;
  return { client: new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), tableName };
}

describe('activation codes', () => {
  it('are 12 characters from an alphabet without look-alikes, one per actor', async () => {
    const { body } = await gateway.graphql(CASE_MANAGEMENT, {
      query: CREATE,
      variables: { input: [{ lpaUid: LPA, actorUid: newActor(), dateOfBirth: DOB }, { lpaUid: '700000000047', actorUid: newActor(), dateOfBirth: '1980-02-29' }] },
    });
    const created = body.data?.createActivationCodes as { lpaUid: string; code: string; createdAt: string; expiresAt: string }[];
    expect(created).toHaveLength(2);
    for (const { lpaUid, code, createdAt, expiresAt } of created) {
      expect(lpaUid).toBe(LPA);
      expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{12}$`));
      // Valid for 12 months by default.
      expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(365 * 24 * 3600 * 1000);
    }
    expect(created[0]!.code).not.toBe(created[1]!.code);
  });

  it('create → validate → mark used → validate again fails; the status says USED', async () => {
    const actor = newActor();
    const code = await newCode(actor);
    expect(await checkCode('validateActivationCode', code)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(await checkCode('validateActivationCode', code.toLowerCase().replace(/(.{4})(.{4})/, '$1-$2-'))).toMatchObject({ __typename: 'ActivationCodeAccepted' });
    expect(await checkCode('markActivationCodeUsed', code)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(await checkCode('validateActivationCode', code)).toEqual({ __typename: 'ActivationCodeRefused', reason: 'USED', retryAfterSeconds: null });
    expect(await checkCode('markActivationCodeUsed', code)).toMatchObject({ reason: 'USED' });
    expect(await status(actor)).toMatchObject({ status: 'USED', usedAt: expect.any(String) });
  });

  it('revoke: the code is refused as REVOKED and the status says so', async () => {
    const actor = newActor();
    const code = await newCode(actor);
    const revoked = await gateway.graphql(CASE_MANAGEMENT, { query: REVOKE, variables: { lpaUid: LPA, actorUid: actor } });
    expect(revoked.body.data?.revokeActivationCode).toEqual({ revoked: true });
    expect(await checkCode('validateActivationCode', code)).toMatchObject({ reason: 'REVOKED' });
    expect(await status(actor)).toMatchObject({ status: 'REVOKED', revokedAt: expect.any(String) });
    const again = await gateway.graphql(CASE_MANAGEMENT, { query: REVOKE, variables: { lpaUid: LPA, actorUid: actor } });
    expect(again.body.data?.revokeActivationCode).toEqual({ revoked: false });
  });

  it("a new code for an actor revokes their previous one", async () => {
    const actor = newActor();
    const first = await newCode(actor);
    const second = await newCode(actor);
    expect(await checkCode('validateActivationCode', first)).toMatchObject({ reason: 'REVOKED' });
    expect(await checkCode('validateActivationCode', second)).toMatchObject({ __typename: 'ActivationCodeAccepted' });
  });

  it('expiry: a code past its expiry date is refused as EXPIRED and cannot be used', async () => {
    const actor = newActor();
    const code = await newCode(actor);
    // Move the stored expiry into the past, as time would.
    const { client, tableName } = codesTable();
    const hash = await codeSecrets(fixedSecret(gateway.embedded!.codesSecret)).codeHash(code);
    await client.send(
      new UpdateItemCommand({ TableName: tableName, Key: { pk: { S: `code#${hash}` } }, UpdateExpression: 'SET validUntil = :past', ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1000) } } }),
    );
    client.destroy();
    expect(await checkCode('validateActivationCode', code)).toMatchObject({ reason: 'EXPIRED' });
    expect(await checkCode('markActivationCodeUsed', code)).toMatchObject({ reason: 'EXPIRED' });
    expect(await status(actor)).toMatchObject({ status: 'EXPIRED' });
  });

  it('100 concurrent markActivationCodeUsed on one code: exactly one succeeds', async () => {
    const actor = newActor();
    const code = await newCode(actor);
    const results = await Promise.all(Array.from({ length: 100 }, () => checkCode('markActivationCodeUsed', code)));
    expect(results.filter((result) => result.__typename === 'ActivationCodeAccepted')).toHaveLength(1);
    expect(results.filter((result) => result.reason === 'USED')).toHaveLength(99);
  });

  it('a wrong date of birth, another LPA and an unknown code are indistinguishable', async () => {
    const code = await newCode(newActor());
    const answers = await Promise.all([
      gateway.graphql(USE_AN_LPA, { query: check('validateActivationCode'), variables: { code, lpaUid: LPA, dateOfBirth: '1948-11-02' } }),
      gateway.graphql(USE_AN_LPA, { query: check('validateActivationCode'), variables: { code, lpaUid: '7000-0000-0138', dateOfBirth: DOB } }),
      gateway.graphql(USE_AN_LPA, { query: check('validateActivationCode'), variables: { code: 'ABCDEFGHJKMN', lpaUid: LPA, dateOfBirth: DOB } }),
      gateway.graphql(USE_AN_LPA, { query: check('validateActivationCode'), variables: { code: 'not a code', lpaUid: LPA, dateOfBirth: DOB } }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(answers[0]!.text);
    }
    expect(answers[0]!.body.data?.validateActivationCode).toEqual({ __typename: 'ActivationCodeRefused', reason: 'NO_MATCH', retryAfterSeconds: null });
  });

  it('repeated failures lock the code, even against the right details', async () => {
    const code = await newCode(newActor());
    for (let attempt = 0; attempt < 5; attempt++) expect(await checkCode('validateActivationCode', code, LPA, '1900-01-01')).toMatchObject({ reason: 'NO_MATCH' });
    const locked = await checkCode('validateActivationCode', code);
    expect(locked).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' });
    expect(locked.retryAfterSeconds).toBeGreaterThan(800);
  });

  it('are stored hashed: no code and no date of birth in clear in the table, and none in the logs', async () => {
    const code = await newCode(newActor(), '1931-07-15');
    await checkCode('validateActivationCode', code, LPA, '1931-07-15');
    const { client, tableName } = codesTable();
    const { Items } = await client.send(new ScanCommand({ TableName: tableName }));
    client.destroy();
    const table = JSON.stringify(Items);
    expect(table).toContain('code#'); // the scan read the codes
    expect(table).not.toContain(code);
    expect(table).not.toContain('1931-07-15');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(code);
  });

  it('outcomes are counted in metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/gateway_activation_codes_total\{operation="mark-used",outcome="valid"\} [1-9]/);
    expect(text).toMatch(/gateway_activation_codes_total\{operation="validate",outcome="no-match"\} [1-9]/);
  });
});

describe('idempotent mutations', () => {
  it('a retry after a lost answer (same key, same input) returns the same code and creates no second one', async () => {
    const actor = newActor();
    const key = `letters-${actor}`;
    const first = await create(actor, DOB, { 'idempotency-key': key }); // the answer the client never saw
    const retry = await create(actor, DOB, { 'idempotency-key': key });
    expect(retry.body.data).toEqual(first.body.data);
    const code = retry.body.data?.createActivationCodes[0].code as string;
    // Had the retry created a code, it would have revoked the first one.
    expect(await checkCode('validateActivationCode', code)).toMatchObject({ __typename: 'ActivationCodeAccepted' });
    const byArgument = await create(actor, DOB, {}, key);
    expect(byArgument.body.data).toEqual(first.body.data);
  });

  it('concurrent requests with one key create one code: each gets it, or is told the first is still running', async () => {
    const actor = newActor();
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(actor, DOB, { 'idempotency-key': `together-${actor}` })));
    const codes = new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.body.data?.createActivationCodes[0].code));
    expect(codes.size).toBe(1);
    for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
      expect(answer.status).toBe(409);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }
    expect(await checkCode('validateActivationCode', [...codes][0] as string)).toMatchObject({ __typename: 'ActivationCodeAccepted' });
  });

  it('the same key with different input is IDEMPOTENCY_KEY_REUSED, and nothing is done', async () => {
    const actor = newActor();
    await create(actor, DOB, { 'idempotency-key': `k-${actor}` });
    const reused = await create(actor, '1950-01-01', { 'idempotency-key': `k-${actor}` });
    expect(reused.status).toBe(422);
    expect(reused.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await status(actor)).toMatchObject({ status: 'ACTIVE' });
  });

  it('a use is idempotent too: the retry of the one successful use is still a success', async () => {
    const actor = newActor();
    const code = await newCode(actor);
    const use = (key: string) => gateway.graphql(USE_AN_LPA, { query: check('markActivationCodeUsed'), variables: { code, lpaUid: LPA, dateOfBirth: DOB } }, { 'idempotency-key': key });
    const first = await use('use-1');
    const retry = await use('use-1');
    expect(first.body.data?.markActivationCodeUsed).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(retry.body.data).toEqual(first.body.data);
    expect((await use('use-2')).body.data?.markActivationCodeUsed).toMatchObject({ reason: 'USED' });
  });
});

describe('who may do what', () => {
  it('only case management reaches create and revoke; only Use an LPA reaches validate and use', async () => {
    const asUseAnLpa = await gateway.graphql(CASE_MANAGEMENT, { query: STATUS, variables: { lpaUid: LPA, actorUid: DONOR } }, { authorization: `Bearer ${await gateway.token('use-an-lpa')}` });
    expect(asUseAnLpa.status).toBe(403);
    const asCaseManagement = await gateway.graphql(
      USE_AN_LPA,
      { query: check('validateActivationCode'), variables: { code: 'ABCDEFGHJKMN', lpaUid: LPA, dateOfBirth: DOB } },
      { authorization: `Bearer ${await gateway.token('sirius-case-management')}` },
    );
    expect(asCaseManagement.status).toBe(403);
  });

  it('without the codes.use scope a Use an LPA token gets FORBIDDEN and no answer', async () => {
    const token = await gateway.token('use-an-lpa', { scopes: ['lpa.read'] });
    const { body } = await gateway.graphql(
      USE_AN_LPA,
      { query: check('validateActivationCode'), variables: { code: 'ABCDEFGHJKMN', lpaUid: LPA, dateOfBirth: DOB } },
      { authorization: `Bearer ${token}` },
    );
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('rate limits', () => {
  it('per caller: past the limit in a minute, TOO_MANY_ATTEMPTS with when to retry', async () => {
    const limited = await startTestGateway({ CODES_CHECKS_PER_MINUTE_PER_CALLER: '3' });
    try {
      await awayFromMinuteEnd();
      const answers = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        const { body } = await limited.graphql(USE_AN_LPA, { query: check('validateActivationCode'), variables: { code: `ABCDEFGHJKM${CODE_ALPHABET[attempt]}`, lpaUid: LPA, dateOfBirth: DOB } });
        answers.push(body.data?.validateActivationCode);
      }
      expect(answers.slice(0, 3).every((answer) => answer.reason === 'NO_MATCH')).toBe(true);
      expect(answers[3]).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' });
      expect(answers[3].retryAfterSeconds).toBeGreaterThan(0);
      expect(answers[3].retryAfterSeconds).toBeLessThanOrEqual(60);
    } finally {
      await limited.close();
    }
  });
});

describe('requestActivationKeyLetter', () => {
  const REQUEST = 'mutation ($lpaUid: LpaUid!, $actorUid: String!) { requestActivationKeyLetter(lpaUid: $lpaUid, actorUid: $actorUid) { queued } }';

  it("asks Sirius (signed, with the request id) to post the actor a letter; a retry with the key asks once", async () => {
    const before = (await gateway.siriusCallLog()).letters.length;
    const first = await gateway.graphql(USE_AN_LPA, { query: REQUEST, variables: { lpaUid: LPA, actorUid: DONOR } }, { 'idempotency-key': 'letter-1', 'x-request-id': 'letter-request-1' });
    expect(first.body).toEqual({ data: { requestActivationKeyLetter: { queued: true } } });
    const retry = await gateway.graphql(USE_AN_LPA, { query: REQUEST, variables: { lpaUid: LPA, actorUid: DONOR } }, { 'idempotency-key': 'letter-1' });
    expect(retry.body).toEqual(first.body);
    const log = await gateway.siriusCallLog();
    expect(log.letters.slice(before)).toEqual([{ caseUid: '700000000047', actorUid: '700000000799' }]);
    expect(log.lastRequestId).toBe('letter-request-1');
  });

  it('says queued: false for an LPA Sirius does not know, and refuses a malformed actor uid before asking', async () => {
    const unknown = await gateway.graphql(USE_AN_LPA, { query: REQUEST, variables: { lpaUid: '7999-9999-9999', actorUid: DONOR } });
    expect(unknown.body.data?.requestActivationKeyLetter).toEqual({ queued: false });
    const before = await gateway.siriusCalls();
    const malformed = await gateway.graphql(USE_AN_LPA, { query: REQUEST, variables: { lpaUid: LPA, actorUid: 'someone' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('while Sirius fails: SIRIUS_UNAVAILABLE, not retried (a POST), and the key can be used again', async () => {
    await gateway.setSiriusFaults({ status: 503 });
    try {
      const before = await gateway.siriusCalls();
      const failed = await gateway.graphql(USE_AN_LPA, { query: REQUEST, variables: { lpaUid: LPA, actorUid: DONOR } }, { 'idempotency-key': 'letter-2' });
      expect(failed.body.errors?.[0]?.extensions?.code).toBe('SIRIUS_UNAVAILABLE');
      expect(await gateway.siriusCalls()).toBe(before + 1);
    } finally {
      await gateway.setSiriusFaults({});
    }
    const later = await gateway.graphql(USE_AN_LPA, { query: REQUEST, variables: { lpaUid: LPA, actorUid: DONOR } }, { 'idempotency-key': 'letter-2' });
    expect(later.body.data?.requestActivationKeyLetter).toEqual({ queued: true });
  });
});
