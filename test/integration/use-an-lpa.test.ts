import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

const ENDPOINT = '/use-an-lpa/v1/graphql';
const FIXTURE_UIDS: string[] = ['lpas.json', 'lpa-online-tool-lpa.json'].flatMap((file) =>
  JSON.parse(readFileSync(`fixtures/sirius/${file}`, 'utf8')).map((lpa: { uId: string }) => lpa.uId),
);

const PERSON = `uid salutation firstNames surname otherNames dateOfBirth email isActive
  addresses { addressLine1 addressLine2 addressLine3 town county postcode country }`;
const FULL_LPA = `
  __typename
  ... on Lpa {
    uid onlineLpaId status caseSubtype applicationType howAttorneysMakeDecisions whenAttorneysCanAct
    lifeSustainingTreatment hasRestrictions hasGuidance isCleansed donorSignatureDate receiptDate
    registrationDate rejectedDate cancellationDate invalidDate withdrawnDate dispatchDate statusDate
    donor { ${PERSON} } attorneys { ${PERSON} } replacementAttorneys { ${PERSON} }
    certificateProviders { ${PERSON} }
    trustCorporations { uid companyName email isActive addresses { addressLine1 postcode } }
  }
  ... on LpaNotFound { uid }
  ... on LpaDeleted { uid }`;

let gateway: TestGateway;
beforeAll(async () => {
  // Every read asks Sirius, so that these tests count the DataLoader's de-duplication alone.
  gateway = await startTestGateway({ CACHE_FRESH_SECONDS: '0' });
});
afterAll(() => gateway.close());

describe('use-an-lpa v1', () => {
  it('returns the LPA 7000-0000-0047 with its donor Sanderson', async () => {
    const { status, body } = await gateway.graphql(ENDPOINT, {
      query: `query Viewer($uid: String!) { lpa(uid: $uid) { ${FULL_LPA} } }`,
      variables: { uid: '7000-0000-0047' },
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const lpa = body.data?.lpa;
    expect(lpa).toMatchObject({
      __typename: 'Lpa',
      uid: '7000-0000-0047',
      onlineLpaId: 'A33718377316',
      status: 'REGISTERED',
      caseSubtype: 'HEALTH_AND_WELFARE',
      applicationType: 'CLASSIC',
      howAttorneysMakeDecisions: 'JOINTLY_AND_SEVERALLY',
      lifeSustainingTreatment: 'OPTION_A',
      receiptDate: '2014-09-26',
      registrationDate: '2020-05-14',
      cancellationDate: null,
      donor: {
        uid: '7000-0000-0799',
        firstNames: 'Rachel Emma',
        surname: 'Sanderson',
        dateOfBirth: '1948-11-01',
        addresses: [{ addressLine1: '81 Front Street', addressLine2: 'LACEBY', addressLine3: null, postcode: 'DN37 5SH' }],
      },
    });
    expect(lpa.attorneys.map((a: { surname: string }) => a.surname)).toEqual(['sanderson', 'Summers']);
    // Sirius pads some names; consumers get them trimmed.
    expect(lpa.certificateProviders[0]).toMatchObject({ surname: 'Hart', dateOfBirth: null, email: null });
  });

  it('accepts the uid without hyphens and answers with the hyphenated form', async () => {
    const { body } = await gateway.graphql(ENDPOINT, { query: '{ lpa(uid: "700000000047") { ... on Lpa { uid } } }' });
    expect(body).toEqual({ data: { lpa: { uid: '7000-0000-0047' } } });
  });

  it.each(FIXTURE_UIDS)('maps every field of fixture LPA %s without error', async (uid) => {
    const { status, body } = await gateway.graphql(ENDPOINT, { query: `{ lpa(uid: "${uid}") { ${FULL_LPA} } }` });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.lpa).toMatchObject({ __typename: 'Lpa', uid });
  });

  it('maps a trust corporation', async () => {
    const { body } = await gateway.graphql(ENDPOINT, {
      query: '{ lpa(uid: "7000-0000-0013") { ... on Lpa { trustCorporations { uid companyName addresses { addressLine1 postcode } } } } }',
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.lpa.trustCorporations).toEqual([
      { uid: '7000-0000-0096', companyName: 'TrustyLaw.com', addresses: [{ addressLine1: '170 High Street', postcode: 'OX1 1XO' }] },
    ]);
  });

  it('answers a deleted LPA with LpaDeleted and an unknown one with LpaNotFound', async () => {
    const { status, body } = await gateway.graphql(ENDPOINT, {
      query: `{ deleted: lpa(uid: "7000-0015-1667") { ${FULL_LPA} } unknown: lpa(uid: "799999999999") { ${FULL_LPA} } }`,
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        deleted: { __typename: 'LpaDeleted', uid: '7000-0015-1667' },
        unknown: { __typename: 'LpaNotFound', uid: '7999-9999-9999' },
      },
    });
  });

  it('makes one Sirius call per distinct LPA however often a query names it', async () => {
    const before = await gateway.siriusCalls();
    const { body } = await gateway.graphql(ENDPOINT, {
      query: `{
        a: lpa(uid: "7000-0000-0047") { ... on Lpa { uid } }
        b: lpa(uid: "700000000047") { ... on Lpa { status } }
        c: lpa(uid: "7000-0000-0138") { ... on Lpa { uid } }
        d: lpa(uid: "7000-0000-0138") { ... on Lpa { donor { surname } } }
        e: lpa(uid: "7000-0000-0252") { ... on Lpa { uid } }
      }`,
    });
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data ?? {})).toHaveLength(5);
    expect((await gateway.siriusCalls()) - before).toBe(3);
  });

  it('returns several LPAs in the order asked, looking repeated uids up once', async () => {
    const before = await gateway.siriusCalls();
    const { body } = await gateway.graphql(ENDPOINT, {
      query: '{ lpas(uids: ["7000-0000-0138", "7000-0000-0047", "799999999999", "700000000138"]) { __typename ... on Lpa { uid } ... on LpaNotFound { uid } } }',
    });
    expect(body).toEqual({
      data: {
        lpas: [
          { __typename: 'Lpa', uid: '7000-0000-0138' },
          { __typename: 'Lpa', uid: '7000-0000-0047' },
          { __typename: 'LpaNotFound', uid: '7999-9999-9999' },
          { __typename: 'Lpa', uid: '7000-0000-0138' },
        ],
      },
    });
    expect((await gateway.siriusCalls()) - before).toBe(3);
  });

  it.each(['7000-0000-004', '800000000047', '7000 0000 0047', 'A33718377316', '', '7000-00000047'])(
    'rejects the uid %j with a 400 naming the expected form, without asking Sirius',
    async (uid) => {
      const before = await gateway.siriusCalls();
      const { status, body } = await gateway.graphql(ENDPOINT, {
        query: 'query($uid: String!) { lpa(uid: $uid) { __typename } }',
        variables: { uid },
      });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toContain('7000-0000-0047 or 700000000047');
      expect(await gateway.siriusCalls()).toBe(before);
    },
  );

  it('rejects a list with one bad uid before looking any up', async () => {
    const before = await gateway.siriusCalls();
    const { status, body } = await gateway.graphql(ENDPOINT, {
      query: '{ lpas(uids: ["7000-0000-0047", "nope"]) { __typename } }',
    });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'uids' });
    expect(await gateway.siriusCalls()).toBe(before);
  });

  it('rejects more than 25 uids in one query', async () => {
    const uids = Array.from({ length: 26 }, (_, i) => `7000-0000-${String(i).padStart(4, '0')}`);
    const { status, body } = await gateway.graphql(ENDPOINT, {
      query: 'query($uids: [String!]!) { lpas(uids: $uids) { __typename } }',
      variables: { uids },
    });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toContain('at most 25');
  });

  it('forwards the caller request id to Sirius and returns it', async () => {
    const { headers } = await gateway.graphql(
      ENDPOINT,
      { query: '{ lpa(uid: "7000-0000-0526") { __typename } }' },
      { 'x-request-id': 'trace-use-an-lpa-0526' },
    );
    expect(headers.get('x-request-id')).toBe('trace-use-an-lpa-0526');
    expect((await gateway.siriusCallLog()).lastRequestId).toBe('trace-use-an-lpa-0526');
  });
});
