import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../src/codes/activation-code';
import { codeSecrets } from '../../src/codes/code-secrets';
import { createLogger } from '../../src/logger';
import { canonicalJson, IdempotencyStore } from '../../src/mutations/idempotency-store';
import { fixedSecret } from '../../src/sirius/request-signer';
import { startTestGateway, type JsonResponse, type TestGateway } from '../support/gateway';
import { awayFromMinuteEnd } from '../support/minute-window';

// What a security review of activation codes found, each over real HTTP against the real gateway
// and dynalite: a table copy that gave dates of birth away, a half-failed idempotent use that lost
// the person their LPA, a lock a burst of guesses could beat, unlimited letters, one hot rate
// item, and table faults answered as internal errors.

const CASE_MANAGEMENT = '/sirius-case-management/v1/graphql';
const USE_AN_LPA = '/use-an-lpa/v2/graphql';
const LPA = '7000-0000-0047';
const DOB = '1948-11-01';

const CREATE = `mutation ($input: [CreateActivationCodeInput!]!) { createActivationCodes(input: $input) { code } }`;
const check = (field: 'validateActivationCode' | 'markActivationCodeUsed') =>
  `mutation ($code: String!, $lpaUid: LpaUid!, $dateOfBirth: Date!) { ${field}(code: $code, lpaUid: $lpaUid, dateOfBirth: $dateOfBirth) {
    __typename ... on ActivationCodeAccepted { actorUid } ... on ActivationCodeRefused { reason retryAfterSeconds } } }`;
const LETTER = 'mutation ($lpaUid: LpaUid!, $actorUid: String!) { requestActivationKeyLetter(lpaUid: $lpaUid, actorUid: $actorUid) { queued } }';

type Check = { __typename: string; actorUid?: string; reason?: string; retryAfterSeconds?: number | null };

let actorCounter = 500;
const newActor = () => `7000-0000-${String(actorCounter++).padStart(4, '0')}`;

async function newCode(gateway: TestGateway, actorUid: string, headers: Record<string, string> = {}): Promise<string> {
  const { body } = await gateway.graphql(CASE_MANAGEMENT, { query: CREATE, variables: { input: [{ lpaUid: LPA, actorUid, dateOfBirth: DOB }] } }, headers);
  expect(body.errors).toBeUndefined();
  return body.data?.createActivationCodes[0].code as string;
}

function checkRequest(gateway: TestGateway, field: 'validateActivationCode' | 'markActivationCodeUsed', code: string, dateOfBirth = DOB, headers: Record<string, string> = {}) {
  return gateway.graphql(USE_AN_LPA, { query: check(field), variables: { code, lpaUid: LPA, dateOfBirth } }, headers);
}

async function checkCode(gateway: TestGateway, field: 'validateActivationCode' | 'markActivationCodeUsed', code: string, dateOfBirth = DOB, headers: Record<string, string> = {}): Promise<Check> {
  const { status, body } = await checkRequest(gateway, field, code, dateOfBirth, headers);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data?.[field] as Check;
}

async function scanCodesTable(gateway: TestGateway): Promise<Record<string, AttributeValue>[]> {
  const { endpoint, tableName } = gateway.embedded!.codesTable;
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    return (await client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
  } finally {
    client.destroy();
  }
}

const errorOf = (response: JsonResponse) => response.body.errors?.[0];

describe('hardening', () => {
  const logs: string[] = [];
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(
      { CODES_CHECKS_PER_MINUTE_PER_CODE: '1000', CODES_CHECKS_PER_MINUTE_PER_CALLER: '100000', IDEMPOTENCY_LEASE_SECONDS: '1' },
      { logs },
    );
  });
  afterAll(() => gateway.close());

  describe('6. a copy of the codes table gives no date of birth away', () => {
    it('no stored value is an unkeyed hash of any date of birth from 1900 to 2025 in the idempotent input', async () => {
      const actorUid = newActor();
      const dateOfBirth = '1937-04-23';
      const created = await gateway.graphql(
        CASE_MANAGEMENT,
        { query: CREATE, variables: { input: [{ lpaUid: LPA, actorUid, dateOfBirth }] } },
        { 'idempotency-key': `dob-${actorUid}` },
      );
      expect(created.body.errors).toBeUndefined();
      const stored = new Set<string>();
      for (const item of await scanCodesTable(gateway)) {
        for (const value of Object.values(item)) {
          if (value.S === undefined) continue;
          stored.add(value.S);
          for (const part of value.S.split('#')) stored.add(part);
        }
      }
      expect([...stored].some((value) => value.startsWith('idem'))).toBe(true); // the scan saw the record
      // The mutation's input as the idempotency store fingerprints it: uids as written or as digits.
      const digits = (uid: string) => uid.replaceAll('-', '');
      const forms = [
        { lpaUid: LPA, actorUid },
        { lpaUid: digits(LPA), actorUid: digits(actorUid) },
      ];
      const found: string[] = [];
      for (let day = Date.UTC(1900, 0, 1); day <= Date.UTC(2025, 11, 31); day += 86_400_000) {
        const date = new Date(day).toISOString().slice(0, 10);
        for (const form of forms) {
          const input = canonicalJson({ input: [{ ...form, dateOfBirth: date }] });
          for (const encoding of ['base64url', 'hex', 'base64'] as const) {
            if (stored.has(createHash('sha256').update(input).digest(encoding))) found.push(date);
          }
        }
      }
      expect(found).toEqual([]);
    });
  });

  describe('7. a half-failed idempotent use keeps its result', () => {
    it('the work succeeded but its result could not be kept: the caller is told it succeeded, and so is its retry', async () => {
      const actorUid = newActor();
      const code = await newCode(gateway, actorUid);
      const key = { 'idempotency-key': `half-${actorUid}` };
      await gateway.setFaults({ dynamodb: { throttle: true, operations: ['UpdateItem'], keyPrefix: 'idem#' } });
      let first: JsonResponse;
      try {
        first = await checkRequest(gateway, 'markActivationCodeUsed', code, DOB, key);
      } finally {
        await gateway.setFaults({});
      }
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data?.markActivationCodeUsed).toEqual({ __typename: 'ActivationCodeAccepted', actorUid });
      await sleep(1_100); // the first attempt's lease (1 s) lapses
      expect(await checkCode(gateway, 'markActivationCodeUsed', code, DOB, key)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid });
      // Anyone else is still told it is used.
      expect(await checkCode(gateway, 'markActivationCodeUsed', code, DOB, { 'idempotency-key': `other-${actorUid}` })).toMatchObject({ reason: 'USED' });
      expect(await checkCode(gateway, 'markActivationCodeUsed', code)).toMatchObject({ reason: 'USED' });
      const warning = logs.find((line) => line.includes('idempotent result not kept'));
      expect(warning).toBeDefined();
      expect(warning).not.toContain(code);
      expect(warning).not.toContain(DOB);
      expect(warning).not.toContain(`half-${actorUid}`);
    });

    it('a late attempt never overwrites the result of the newer attempt that took over its lapsed lease', async () => {
      const { endpoint, tableName } = gateway.embedded!.codesTable;
      const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      let clock = Date.now();
      const store = new IdempotencyStore(client, tableName, codeSecrets(fixedSecret(gateway.embedded!.codesSecret)), {
        retainSeconds: 3600,
        leaseSeconds: 1,
        logger: createLogger('silent'),
        now: () => clock,
      });
      try {
        let finishLate: (() => void) | undefined;
        const late = store.run('test#late', 'k-late', { n: 1 }, () => new Promise<string>((resolve) => (finishLate = () => resolve('late'))));
        while (!finishLate) await sleep(5); // the late attempt holds the key and is working
        clock += 2_000; // the late attempt's lease has lapsed: a retry takes over
        expect(await store.run('test#late', 'k-late', { n: 1 }, async () => 'newer')).toBe('newer');
        finishLate!();
        expect(await late).toBe('late'); // its own caller still gets its result
        expect(await store.run('test#late', 'k-late', { n: 1 }, async () => 'again')).toBe('newer');
      } finally {
        client.destroy();
      }
    });
  });

  describe('8. a burst of guesses cannot beat the lock', () => {
    it('10 concurrent wrong dates of birth on one code: at most 5 are evaluated, the rest TOO_MANY_ATTEMPTS', async () => {
      const actorUid = newActor();
      const code = await newCode(gateway, actorUid);
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => checkCode(gateway, 'validateActivationCode', code, `1950-01-${String(index + 10)}`)));
      const evaluated = answers.filter((answer) => answer.reason === 'NO_MATCH');
      expect(evaluated.length).toBeLessThanOrEqual(5);
      expect(answers.filter((answer) => answer.reason === 'TOO_MANY_ATTEMPTS')).toHaveLength(10 - evaluated.length);
      expect(await checkCode(gateway, 'validateActivationCode', code)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' });
    });

    it('a right answer hands its place back: five right checks and four wrong ones leave the code unlocked', async () => {
      const actorUid = newActor();
      const code = await newCode(gateway, actorUid);
      for (let attempt = 0; attempt < 5; attempt++) expect(await checkCode(gateway, 'validateActivationCode', code)).toMatchObject({ __typename: 'ActivationCodeAccepted' });
      for (let attempt = 0; attempt < 4; attempt++) expect(await checkCode(gateway, 'validateActivationCode', code, '1900-01-01')).toMatchObject({ reason: 'NO_MATCH' });
      expect(await checkCode(gateway, 'markActivationCodeUsed', code)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid });
    });
  });
});

describe('when the codes table cannot answer', () => {
  const logs: string[] = [];
  let gateway: TestGateway;
  // Short DynamoDB timeouts, so that a silent table is given up on quickly: this gateway only.
  beforeAll(async () => {
    gateway = await startTestGateway({ IDEMPOTENCY_LEASE_SECONDS: '1', CODES_DYNAMODB_TIMEOUT_MS: '300' }, { logs });
  });
  afterAll(() => gateway.close());

  const create = (actorUid: string, headers: Record<string, string> = {}) =>
    gateway.graphql(CASE_MANAGEMENT, { query: CREATE, variables: { input: [{ lpaUid: LPA, actorUid, dateOfBirth: DOB }] } }, headers);

  function expectUnavailable(answer: JsonResponse) {
    expect(answer.status).toBe(503);
    expect(errorOf(answer)).toMatchObject({ message: 'Activation codes are unavailable just now; retry shortly.', extensions: { code: 'CODES_UNAVAILABLE' } });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  }

  it('checks, uses, creates and status fail as CODES_UNAVAILABLE (503, Retry-After), not as internal errors', async () => {
    const actorUid = newActor();
    const code = await newCode(gateway, actorUid);
    const status = 'query ($lpaUid: SiriusUid!, $actorUid: SiriusUid!) { activationCodeStatus(lpaUid: $lpaUid, actorUid: $actorUid) { status } }';
    await gateway.setFaults({ dynamodb: { hang: true } });
    let answers: JsonResponse[];
    try {
      answers = await Promise.all([
        checkRequest(gateway, 'validateActivationCode', code),
        checkRequest(gateway, 'markActivationCodeUsed', code, DOB, { 'idempotency-key': `hang-${actorUid}` }),
        create(newActor(), { 'idempotency-key': `hang-create-${actorUid}` }),
        gateway.graphql(CASE_MANAGEMENT, { query: status, variables: { lpaUid: LPA, actorUid } }),
      ]);
    } finally {
      await gateway.setFaults({});
    }
    for (const answer of answers) expectUnavailable(answer);
    expect(logs.some((line) => line.includes('codes table unavailable'))).toBe(true);
    // Nothing was used meanwhile.
    expect(await checkCode(gateway, 'markActivationCodeUsed', code, DOB, { 'idempotency-key': `hang-${actorUid}` })).toEqual({ __typename: 'ActivationCodeAccepted', actorUid });
  });

  it('a key whose attempt failed midway is free again once its lease lapses, even if it could not be released', async () => {
    const actorUid = newActor();
    const key = { 'idempotency-key': `midway-${actorUid}` };
    // The key's record is written (PutItem); the work's UpdateItem and the release's DeleteItem hang.
    await gateway.setFaults({ dynamodb: { hang: true, operations: ['UpdateItem', 'DeleteItem'] } });
    let failed: JsonResponse;
    try {
      failed = await create(actorUid, key);
    } finally {
      await gateway.setFaults({});
    }
    expectUnavailable(failed);
    await sleep(1_100); // the lease (1 s) lapses
    const retried = await create(actorUid, key);
    expect(retried.body.errors).toBeUndefined();
    expect(retried.body.data?.createActivationCodes[0].code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{12}$`));
  });
});

describe('7. a transient answer is never kept for an idempotency key', () => {
  let locking: TestGateway;
  beforeAll(async () => {
    locking = await startTestGateway({ CODES_CHECKS_PER_MINUTE_PER_CODE: '1000', CODES_LOCK_AFTER_FAILURES: '1', CODES_LOCK_SECONDS: '1', IDEMPOTENCY_LEASE_SECONDS: '1' });
  });
  afterAll(() => locking.close());

  it('a key that got TOO_MANY_ATTEMPTS is evaluated again once the lock has passed', async () => {
    const actorUid = newActor();
    const code = await newCode(locking, actorUid);
    expect(await checkCode(locking, 'validateActivationCode', code, '1900-01-01')).toMatchObject({ reason: 'NO_MATCH' });
    const key = { 'idempotency-key': `locked-${actorUid}` };
    const locked = await checkCode(locking, 'markActivationCodeUsed', code, DOB, key);
    expect(locked).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' });
    await sleep(locked.retryAfterSeconds! * 1000 + 100);
    expect(await checkCode(locking, 'markActivationCodeUsed', code, DOB, key)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid });
  });
});

describe('letter requests are rate limited', () => {
  let limited: TestGateway;
  beforeAll(async () => {
    limited = await startTestGateway({ CODES_LETTERS_PER_ACTOR_PER_DAY: '3', CODES_LETTERS_PER_MINUTE_PER_CALLER: '8' });
  });
  afterAll(() => limited.close());

  const letter = (actorUid: string, headers: Record<string, string> = {}) => limited.graphql(USE_AN_LPA, { query: LETTER, variables: { lpaUid: LPA, actorUid } }, headers);

  it('per actor per day: the fourth is TOO_MANY_REQUESTS (429, retryAfterSeconds), Sirius is not asked, and it is counted', async () => {
    await awayFromMinuteEnd();
    const actorUid = newActor();
    for (let index = 0; index < 3; index++) expect((await letter(actorUid)).body).toEqual({ data: { requestActivationKeyLetter: { queued: true } } });
    const before = await limited.siriusCalls();
    const refused = await letter(actorUid, { 'idempotency-key': `fourth-${actorUid}` });
    expect(refused.status).toBe(429);
    expect(errorOf(refused)?.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) });
    const retryAfter = errorOf(refused)?.extensions?.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
    expect(await limited.siriusCalls()).toBe(before);
    // Another actor of the same LPA is not limited by this one.
    expect((await letter(newActor())).body.data?.requestActivationKeyLetter).toEqual({ queued: true });
    const metrics = await (await fetch(`${limited.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_activation_codes_total\{operation="request-letter",outcome="too-many-requests"\} [1-9]/);
    expect(metrics).toMatch(/gateway_activation_codes_total\{operation="request-letter",outcome="queued"\} [1-9]/);
  });

  it('per caller per minute: past the limit, TOO_MANY_REQUESTS until the next minute, Sirius not asked', async () => {
    await awayFromMinuteEnd();
    const answers: JsonResponse[] = [];
    // 8 a minute (one shard: exact); the previous test may have used some of this minute's.
    for (let index = 0; index < 10; index++) answers.push(await letter(newActor()));
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(answers.slice(answers.indexOf(refused[0]!)).every((answer) => answer.status === 429)).toBe(true);
    expect(errorOf(refused[0]!)?.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(errorOf(refused[0]!)?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(60);
    const before = await limited.siriusCalls();
    expect((await letter(newActor())).status).toBe(429);
    // The registered operation, sent by id (production's path), is refused alike, with Retry-After.
    const document = readFileSync('operations/use-an-lpa/v2/RequestActivationKeyLetter.graphql', 'utf8');
    const byId = await limited.post(
      USE_AN_LPA,
      JSON.stringify({ documentId: `sha256:${createHash('sha256').update(document).digest('hex')}`, variables: { lpaUid: LPA, actorUid: newActor() } }),
    );
    expect(byId.status).toBe(429);
    expect(errorOf(byId)?.extensions?.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(byId.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.siriusCalls()).toBe(before);
  });
});

describe('the per-caller check limit is sharded', () => {
  let sharded: TestGateway;
  beforeAll(async () => {
    sharded = await startTestGateway({ CODES_CHECKS_PER_MINUTE_PER_CALLER: '40' });
  });
  afterAll(() => sharded.close());

  it('is counted on 8 items, and still holds: 40 pass, and all are refused by 48', async () => {
    await awayFromMinuteEnd(15);
    const answers: Check[] = [];
    for (let index = 0; index < 48; index++) {
      const code = `ABCDEFGH${CODE_ALPHABET[index % 31]}${CODE_ALPHABET[Math.floor(index / 31)]}MN`;
      answers.push(await checkCode(sharded, 'validateActivationCode', code));
    }
    expect(answers.slice(0, 40).every((answer) => answer.reason === 'NO_MATCH')).toBe(true);
    expect(answers.slice(40).some((answer) => answer.reason === 'TOO_MANY_ATTEMPTS')).toBe(true);
    expect(answers.at(-1)).toMatchObject({ reason: 'TOO_MANY_ATTEMPTS' });
    const minute = Math.floor(Date.now() / 60_000);
    const shards = (await scanCodesTable(sharded)).map((item) => item.pk?.S ?? '').filter((pk) => pk.startsWith(`rate#caller#use-an-lpa#${minute}#`));
    expect(shards).toHaveLength(8);
  });
});
