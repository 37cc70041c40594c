import { createHmac, hkdfSync } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeSecrets, KEY_ID_LENGTH } from '../../src/codes/code-secrets';
import { fixedSecret } from '../../src/sirius/request-signer';
import { startTestGateway, type TestGateway } from '../support/gateway';

// Every item holding a digest names the key it was made under (keyId), so that the codes secret
// can be replaced later without invalidating printed codes (code-store.ts); items written before
// key ids are read as the current key's.

const CASE_MANAGEMENT = '/sirius-case-management/v1/graphql';
const USE_AN_LPA = '/use-an-lpa/v2/graphql';
const LPA = '7000-0000-0047';
const DOB = '1948-11-01';
const CREATE = `mutation ($input: [CreateActivationCodeInput!]!, $idempotencyKey: String) {
  createActivationCodes(input: $input, idempotencyKey: $idempotencyKey) { code } }`;
const VALIDATE = `mutation ($code: String!, $lpaUid: LpaUid!, $dateOfBirth: Date!) { validateActivationCode(code: $code, lpaUid: $lpaUid, dateOfBirth: $dateOfBirth) {
  __typename ... on ActivationCodeAccepted { actorUid } ... on ActivationCodeRefused { reason } } }`;

/** The key id as the design says, derived here independently of code-secrets.ts. */
function expectedKeyId(secret: string): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'sirius-gateway-codes', 'key-id', 32));
  return createHmac('sha256', key).update('key-id').digest('base64url').slice(0, 8);
}

let gateway: TestGateway;
let client: DynamoDBClient;
let tableName: string;
beforeAll(async () => {
  gateway = await startTestGateway();
  ({ tableName } = gateway.embedded!.codesTable);
  client = new DynamoDBClient({ endpoint: gateway.embedded!.codesTable.endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await gateway.close();
});

let actorCounter = 900;
const newActor = () => `7000-0000-${String(actorCounter++).padStart(4, '0')}`;

async function newCode(actorUid: string, idempotencyKey?: string): Promise<string> {
  const { body } = await gateway.graphql(CASE_MANAGEMENT, { query: CREATE, variables: { input: [{ lpaUid: LPA, actorUid, dateOfBirth: DOB }], idempotencyKey } });
  expect(body.errors).toBeUndefined();
  return body.data?.createActivationCodes[0].code as string;
}

async function item(pk: string): Promise<Record<string, AttributeValue>> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  expect(Item).toBeDefined();
  return Item!;
}

async function validate(code: string) {
  const { status, body } = await gateway.graphql(USE_AN_LPA, { query: VALIDATE, variables: { code, lpaUid: LPA, dateOfBirth: DOB } });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data?.validateActivationCode as { __typename: string; actorUid?: string; reason?: string };
}

describe('key ids', () => {
  it('are short, not the secret, and differ between secrets', async () => {
    const secret = gateway.embedded!.codesSecret;
    const keyId = await codeSecrets(fixedSecret(secret)).keyId();
    expect(keyId).toHaveLength(KEY_ID_LENGTH);
    expect(keyId).toMatch(/^[\w-]{8}$/);
    expect(keyId).toBe(expectedKeyId(secret));
    expect(secret).not.toContain(keyId);
    expect(await codeSecrets(fixedSecret(`${secret}-another`)).keyId()).not.toBe(keyId);
  });

  it("a created code's item, its actor's pointer and its idempotency record hold the key id derived from the secret", async () => {
    const secret = gateway.embedded!.codesSecret;
    const actor = newActor();
    const code = await newCode(actor, `key-id-test-${actor}`);
    const hash = await codeSecrets(fixedSecret(secret)).codeHash(code);

    const codeItem = await item(`code#${hash}`);
    expect(codeItem.keyId?.S).toBe(expectedKeyId(secret));
    expect(codeItem.dateOfBirthHash?.S).toBeTruthy();

    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
    const pointers = Items.filter((entry) => entry.pk?.S?.startsWith('actor#') && entry.codeHash?.S === hash);
    expect(pointers).toHaveLength(1);
    expect(pointers[0]!.keyId?.S).toBe(expectedKeyId(secret));
    const idempotencyRecords = Items.filter((entry) => entry.pk?.S?.startsWith('idem#'));
    expect(idempotencyRecords.length).toBeGreaterThan(0);
    for (const record of idempotencyRecords) expect(record.keyId?.S).toBe(expectedKeyId(secret));
  });

  it('an item written before key ids (none stored) is the current key\'s: its code still checks', async () => {
    const actor = newActor();
    const code = await newCode(actor);
    const hash = await codeSecrets(fixedSecret(gateway.embedded!.codesSecret)).codeHash(code);
    await client.send(new UpdateItemCommand({ TableName: tableName, Key: { pk: { S: `code#${hash}` } }, UpdateExpression: 'REMOVE keyId' }));
    expect((await item(`code#${hash}`)).keyId).toBeUndefined();
    expect(await validate(code)).toEqual({ __typename: 'ActivationCodeAccepted', actorUid: actor });
  });

  it("an item naming another key never matches: its digests are not this key's", async () => {
    const actor = newActor();
    const code = await newCode(actor);
    const hash = await codeSecrets(fixedSecret(gateway.embedded!.codesSecret)).codeHash(code);
    await client.send(
      new UpdateItemCommand({ TableName: tableName, Key: { pk: { S: `code#${hash}` } }, UpdateExpression: 'SET keyId = :other', ExpressionAttributeValues: { ':other': { S: 'AAAAAAAA' } } }),
    );
    expect(await validate(code)).toEqual({ __typename: 'ActivationCodeRefused', reason: 'NO_MATCH' });
  });
});
