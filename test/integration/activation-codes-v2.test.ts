import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../src/codes/activation-code';
import { startTestGateway, type TestGateway } from '../support/gateway';

// Sirius case management v2 over real HTTP: codes for LPAs of either system. A code created here
// for an LPA Store LPA (M- uid, UUID actor) must validate and be used through use-an-lpa v3, and
// one for a Sirius LPA must still be the same code v1 and use-an-lpa v2 know.

const CASE_MANAGEMENT_V1 = '/sirius-case-management/v1/graphql';
const CASE_MANAGEMENT_V2 = '/sirius-case-management/v2/graphql';
const USE_AN_LPA_V2 = '/use-an-lpa/v2/graphql';
const USE_AN_LPA_V3 = '/use-an-lpa/v3/graphql';
const STORE_LPA = 'M-7890-0400-4000';
const SIRIUS_LPA = '7000-0000-0047';
const DOB = '1982-07-24';

const CREATE = `mutation ($input: [CreateActivationCodeInput!]!, $idempotencyKey: String) {
  createActivationCodes(input: $input, idempotencyKey: $idempotencyKey) { lpaUid actorUid code createdAt expiresAt } }`;
const STATUS_V2 = 'query ($lpaUid: AnyLpaUid!, $actorUid: String!) { activationCodeStatus(lpaUid: $lpaUid, actorUid: $actorUid) { status usedAt revokedAt } }';
const STATUS_V1 = 'query ($lpaUid: SiriusUid!, $actorUid: SiriusUid!) { activationCodeStatus(lpaUid: $lpaUid, actorUid: $actorUid) { status usedAt revokedAt } }';
const REVOKE_V2 = 'mutation ($lpaUid: AnyLpaUid!, $actorUid: String!) { revokeActivationCode(lpaUid: $lpaUid, actorUid: $actorUid) { revoked } }';
const REVOKE_V1 = 'mutation ($lpaUid: SiriusUid!, $actorUid: SiriusUid!) { revokeActivationCode(lpaUid: $lpaUid, actorUid: $actorUid) { revoked } }';
const check = (field: 'validateActivationCode' | 'markActivationCodeUsed', uidType: 'AnyLpaUid' | 'LpaUid') =>
  `mutation ($code: String!, $lpaUid: ${uidType}!, $dateOfBirth: Date!) { ${field}(code: $code, lpaUid: $lpaUid, dateOfBirth: $dateOfBirth) {
    __typename ... on ActivationCodeAccepted { actorUid } ... on ActivationCodeRefused { reason } } }`;

interface Created {
  lpaUid: string;
  actorUid: string;
  code: string;
  createdAt: string;
  expiresAt: string;
}

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ CODES_DYNAMODB_TIMEOUT_MS: '5000' });
});
afterAll(() => gateway.close());

let counter = 0;
/** A fresh LPA Store actor per test (a UUID, as the store writes them), so that tests share no codes. */
const newStoreActor = () => `9ac5cb7c-fc75-40c7-8e53-${String(counter++).padStart(12, '0')}`;
/** A fresh Sirius actor per test. */
const newSiriusActor = () => `7000-0002-${String(counter++).padStart(4, '0')}`;

async function create(lpaUid: string, actorUid: string, dateOfBirth = DOB, headers: Record<string, string> = {}, path = CASE_MANAGEMENT_V2) {
  return gateway.graphql(path, { query: CREATE, variables: { input: [{ lpaUid, actorUid, dateOfBirth }] } }, headers);
}

async function newCode(lpaUid: string, actorUid: string, dateOfBirth = DOB): Promise<Created> {
  const { status, body } = await create(lpaUid, actorUid, dateOfBirth);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data?.createActivationCodes[0] as Created;
}

async function checkCode(path: string, field: 'validateActivationCode' | 'markActivationCodeUsed', code: string, lpaUid: string, dateOfBirth = DOB) {
  const { status, body } = await gateway.graphql(path, { query: check(field, path === USE_AN_LPA_V3 ? 'AnyLpaUid' : 'LpaUid'), variables: { code, lpaUid, dateOfBirth } });
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data?.[field] as { __typename: string; actorUid?: string; reason?: string };
}

async function status(lpaUid: string, actorUid: string, path = CASE_MANAGEMENT_V2) {
  const { body } = await gateway.graphql(path, { query: path === CASE_MANAGEMENT_V2 ? STATUS_V2 : STATUS_V1, variables: { lpaUid, actorUid } });
  expect(body.errors).toBeUndefined();
  return body.data?.activationCodeStatus as { status: string; usedAt: string | null; revokedAt: string | null } | null;
}

describe('codes for an LPA Store LPA, created by case management v2 and used through use-an-lpa v3', () => {
  it('create → validate → mark used (Accepted, the actor as a UUID) → USED; the status says USED', async () => {
    const actor = newStoreActor();
    // A UUID in capitals is the same actor: answered (and keyed) in lower case.
    const created = await newCode(STORE_LPA, actor.toUpperCase());
    expect(created).toMatchObject({ lpaUid: STORE_LPA, actorUid: actor });
    expect(created.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{12}$`));
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(365 * 24 * 3600 * 1000);

    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', created.code, STORE_LPA)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    // Any accepted form of the uid names the same LPA.
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', created.code, 'M789004004000')).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(await checkCode(USE_AN_LPA_V3, 'markActivationCodeUsed', created.code, STORE_LPA)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', created.code, STORE_LPA)).toEqual({ __typename: 'ActivationCodeRefused', reason: 'USED' });
    expect(await checkCode(USE_AN_LPA_V3, 'markActivationCodeUsed', created.code, STORE_LPA)).toMatchObject({ reason: 'USED' });
    expect(await status(STORE_LPA, actor)).toMatchObject({ status: 'USED', usedAt: expect.any(String), revokedAt: null });
    expect(await status('M789004004000', actor.toUpperCase())).toMatchObject({ status: 'USED' });
  });

  it('a wrong date of birth or another LPA is NO_MATCH', async () => {
    const { code } = await newCode(STORE_LPA, newStoreActor());
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', code, STORE_LPA, '1982-07-25')).toMatchObject({ reason: 'NO_MATCH' });
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', code, 'M-1000-0000-0017')).toMatchObject({ reason: 'NO_MATCH' });
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', code, STORE_LPA)).toMatchObject({ __typename: 'ActivationCodeAccepted' });
  });

  it('revoke: use-an-lpa v3 refuses the code as REVOKED; a new code revokes the previous one', async () => {
    const actor = newStoreActor();
    const first = await newCode(STORE_LPA, actor);
    const second = await newCode(STORE_LPA, actor);
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', first.code, STORE_LPA)).toMatchObject({ reason: 'REVOKED' });
    const revoked = await gateway.graphql(CASE_MANAGEMENT_V2, { query: REVOKE_V2, variables: { lpaUid: STORE_LPA, actorUid: actor.toUpperCase() } });
    expect(revoked.body).toEqual({ data: { revokeActivationCode: { revoked: true } } });
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', second.code, STORE_LPA)).toMatchObject({ reason: 'REVOKED' });
    expect(await status(STORE_LPA, actor)).toMatchObject({ status: 'REVOKED', revokedAt: expect.any(String) });
  });

  it('one request may mix Sirius and LPA Store LPAs', async () => {
    const storeActor = newStoreActor();
    const siriusActor = newSiriusActor();
    const { body } = await gateway.graphql(CASE_MANAGEMENT_V2, {
      query: CREATE,
      variables: { input: [{ lpaUid: 'M789004004000', actorUid: storeActor, dateOfBirth: DOB }, { lpaUid: '700000000047', actorUid: siriusActor.replaceAll('-', ''), dateOfBirth: DOB }] },
    });
    expect(body.errors).toBeUndefined();
    const [store, sirius] = body.data?.createActivationCodes as Created[];
    expect(store).toMatchObject({ lpaUid: STORE_LPA, actorUid: storeActor });
    expect(sirius).toMatchObject({ lpaUid: SIRIUS_LPA, actorUid: siriusActor });
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', store!.code, STORE_LPA)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: storeActor });
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', sirius!.code, SIRIUS_LPA)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: siriusActor });
  });
});

describe('codes for a Sirius LPA created by case management v2 are the codes v1 and use-an-lpa v2 know', () => {
  it('use-an-lpa v2 and v3 validate it and answer the actor dashed; case management v1 sees its state', async () => {
    const actor = newSiriusActor();
    const created = await newCode('700000000047', actor.replaceAll('-', ''));
    expect(created).toMatchObject({ lpaUid: SIRIUS_LPA, actorUid: actor });
    expect(await checkCode(USE_AN_LPA_V2, 'validateActivationCode', created.code, SIRIUS_LPA)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(await checkCode(USE_AN_LPA_V3, 'validateActivationCode', created.code, '700000000047')).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(await status(SIRIUS_LPA, actor, CASE_MANAGEMENT_V1)).toMatchObject({ status: 'ACTIVE' });
    expect(await checkCode(USE_AN_LPA_V3, 'markActivationCodeUsed', created.code, SIRIUS_LPA)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
    expect(await checkCode(USE_AN_LPA_V2, 'validateActivationCode', created.code, SIRIUS_LPA)).toMatchObject({ reason: 'USED' });
    expect(await status(SIRIUS_LPA, actor, CASE_MANAGEMENT_V1)).toMatchObject({ status: 'USED' });
    expect(await status(SIRIUS_LPA, actor)).toMatchObject({ status: 'USED' });
  });

  it('a code created by v1 is revoked by v2, and one created by v2 by v1', async () => {
    const actor = newSiriusActor();
    const byV1 = await create(SIRIUS_LPA, actor, DOB, {}, CASE_MANAGEMENT_V1);
    const v1Code = byV1.body.data?.createActivationCodes[0].code as string;
    expect((await gateway.graphql(CASE_MANAGEMENT_V2, { query: REVOKE_V2, variables: { lpaUid: SIRIUS_LPA, actorUid: actor } })).body.data).toEqual({ revokeActivationCode: { revoked: true } });
    expect(await checkCode(USE_AN_LPA_V2, 'validateActivationCode', v1Code, SIRIUS_LPA)).toMatchObject({ reason: 'REVOKED' });

    const { code } = await newCode(SIRIUS_LPA, actor);
    expect((await gateway.graphql(CASE_MANAGEMENT_V1, { query: REVOKE_V1, variables: { lpaUid: SIRIUS_LPA, actorUid: actor } })).body.data).toEqual({ revokeActivationCode: { revoked: true } });
    expect(await checkCode(USE_AN_LPA_V2, 'validateActivationCode', code, SIRIUS_LPA)).toMatchObject({ reason: 'REVOKED' });
  });

  it('an idempotent retry may cross versions: the same key and input replay the first answer', async () => {
    const actor = newSiriusActor();
    const key = `letters-${actor}`;
    const first = await create(SIRIUS_LPA, actor, DOB, { 'idempotency-key': key }, CASE_MANAGEMENT_V1);
    const retry = await create('700000000047', actor.replaceAll('-', ''), DOB, { 'idempotency-key': key });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data).toEqual(first.body.data);
    const reused = await create(SIRIUS_LPA, actor, '1950-01-01', { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expect(reused.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('an actor uid in the form of the wrong system is refused, and nothing is created', () => {
  it.each([
    ['a Sirius uid on an LPA Store LPA', STORE_LPA, '7000-0000-0799', /UUID/],
    ['a UUID on a Sirius LPA', SIRIUS_LPA, '9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d', /12 digits/],
    ['something else on an LPA Store LPA', STORE_LPA, 'someone', /UUID/],
    ['a UUID without dashes', STORE_LPA, '9ac5cb7cfc7540c78e53059f36dbbe3d', /UUID/],
  ])('%s: 400 BAD_USER_INPUT', async (_name, lpaUid, actorUid, message) => {
    const created = await create(lpaUid, actorUid);
    expect(created.status).toBe(400);
    expect(created.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input' });
    expect(created.body.errors?.[0]?.message).toMatch(/^input\[0\]\.actorUid must be/);
    expect(created.body.errors?.[0]?.message).toMatch(message);
    for (const query of [STATUS_V2, REVOKE_V2]) {
      const { status, body } = await gateway.graphql(CASE_MANAGEMENT_V2, { query, variables: { lpaUid, actorUid } });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'actorUid' });
    }
  });

  it('one bad actor in a batch creates no code for the others', async () => {
    const good = newStoreActor();
    const { status: code, body } = await gateway.graphql(CASE_MANAGEMENT_V2, {
      query: CREATE,
      variables: { input: [{ lpaUid: STORE_LPA, actorUid: good, dateOfBirth: DOB }, { lpaUid: STORE_LPA, actorUid: '7000-0000-0799', dateOfBirth: DOB }] },
    });
    expect(code).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/^input\[1\]\.actorUid/);
    expect(await status(STORE_LPA, good)).toBeNull();
  });

  it('an M- uid with a wrong check digit is refused while the request is validated', async () => {
    const { status: code, body } = await create('M-7890-0400-4001', newStoreActor());
    expect(code).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain('AnyLpaUid');
  });

  it('v1 is unchanged: it still takes Sirius uids only', async () => {
    const { status: code, body } = await create(STORE_LPA, newStoreActor(), DOB, {}, CASE_MANAGEMENT_V1);
    expect(code).toBe(400);
    expect(body.errors?.[0]?.message).toContain('SiriusUid');
  });
});

describe('who may use v2, and its registered operations', () => {
  it('only case management (codes.manage): a Use an LPA token is refused', async () => {
    const asUseAnLpa = await gateway.graphql(
      CASE_MANAGEMENT_V2,
      { query: STATUS_V2, variables: { lpaUid: STORE_LPA, actorUid: newStoreActor() } },
      { authorization: `Bearer ${await gateway.token('use-an-lpa')}` },
    );
    expect(asUseAnLpa.status).toBe(403);
    const withoutScope = await gateway.graphql(
      CASE_MANAGEMENT_V2,
      { query: STATUS_V2, variables: { lpaUid: STORE_LPA, actorUid: newStoreActor() } },
      { authorization: `Bearer ${await gateway.token('sirius-case-management', { scopes: [] })}` },
    );
    expect(withoutScope.body.data?.activationCodeStatus ?? null).toBeNull();
    expect(withoutScope.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('CreateCodesForLetters, CodeStatus and RevokeCode run by id', async () => {
    const byId = (name: string, variables: unknown) => {
      const text = readFileSync(`operations/sirius-case-management/v2/${name}.graphql`, 'utf8');
      return gateway.post(CASE_MANAGEMENT_V2, JSON.stringify({ documentId: `sha256:${createHash('sha256').update(text).digest('hex')}`, variables }));
    };
    const actor = newStoreActor();
    const created = await byId('CreateCodesForLetters', { input: [{ lpaUid: STORE_LPA, actorUid: actor, dateOfBirth: DOB }] });
    expect(created.status).toBe(200);
    expect(created.body.data?.createActivationCodes[0]).toMatchObject({ lpaUid: STORE_LPA, actorUid: actor, code: expect.any(String) });
    expect((await byId('CodeStatus', { lpaUid: STORE_LPA, actorUid: actor })).body.data?.activationCodeStatus).toMatchObject({ status: 'ACTIVE', usedAt: null });
    expect((await byId('RevokeCode', { lpaUid: STORE_LPA, actorUid: actor })).body.data?.revokeActivationCode).toEqual({ revoked: true });
  });
});
