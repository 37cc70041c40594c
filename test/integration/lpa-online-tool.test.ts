import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

const ENDPOINT = '/lpa-online-tool/v1/graphql';
const SUMMARY = `__typename
  ... on LpaSummary { onlineLpaId status applicationStage receiptDate registrationDate rejectedDate
    cancellationDate invalidDate withdrawnDate dispatchDate statusDate }
  ... on LpaNotFound { onlineLpaId }
  ... on LpaDeleted { onlineLpaId }`;

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('lpa-online-tool v1', () => {
  it('answers for A33718377316 with status, stage and dates', async () => {
    const { status, body } = await gateway.graphql(ENDPOINT, { query: `{ lpa(onlineLpaId: "A33718377316") { ${SUMMARY} } }` });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        lpa: {
          __typename: 'LpaSummary',
          onlineLpaId: 'A33718377316',
          status: 'REGISTERED',
          // Registered but not yet dispatched: the online tool still says "checking".
          applicationStage: 'CHECKING',
          receiptDate: '2014-09-26',
          registrationDate: '2020-05-14',
          rejectedDate: null,
          cancellationDate: null,
          invalidDate: null,
          withdrawnDate: null,
          dispatchDate: null,
          statusDate: null,
        },
      },
    });
  });

  it('reports a pending application as received, with its status date', async () => {
    const { body } = await gateway.graphql(ENDPOINT, { query: `{ lpa(onlineLpaId: "A39721583862") { ${SUMMARY} } }` });
    expect(body.data?.lpa).toMatchObject({ status: 'PENDING', applicationStage: 'RECEIVED', statusDate: '2014-10-15' });
  });

  it('answers deleted and unknown references with their union members', async () => {
    const { body } = await gateway.graphql(ENDPOINT, {
      query: `{ deleted: lpa(onlineLpaId: "A37638705049") { ${SUMMARY} } unknown: lpa(onlineLpaId: "A00000000000") { ${SUMMARY} } }`,
    });
    expect(body).toEqual({
      data: {
        deleted: { __typename: 'LpaDeleted', onlineLpaId: 'A37638705049' },
        unknown: { __typename: 'LpaNotFound', onlineLpaId: 'A00000000000' },
      },
    });
  });

  it('rejects a malformed reference without asking Sirius', async () => {
    const before = await gateway.siriusCalls();
    const { status, body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(onlineLpaId: "a33718377316") { __typename } }' });
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors?.[0]?.message).toContain('A followed by 11 digits');
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('exposes nothing about people', async () => {
    const { status, body } = await gateway.graphql(ENDPOINT, {
      query: '{ lpa(onlineLpaId: "A33718377316") { ... on LpaSummary { donor { surname } } } }',
    });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.data).toBeUndefined();
  });
});
