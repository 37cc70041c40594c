import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

// Query limits bound a document (depth, cost, aliases), not its arguments: 15 aliases of
// lpas(uids) with 25 uids each is one small document asking Sirius 375 times. A per-request budget
// of distinct LPAs in the loader bounds what any one request can cost, whatever the document.

const ENDPOINT = '/use-an-lpa/v2/graphql';
const uids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `7001-0000-${String(from + i).padStart(4, '0')}`);

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ MAX_LPAS_PER_REQUEST: '50', CACHE_FRESH_SECONDS: '0' });
});
afterAll(() => gateway.close());

describe('the per-request LPA budget', () => {
  it('15 aliases of 25 uids make at most MAX_LPAS_PER_REQUEST Sirius calls; the rest are LPA_LIMIT_EXCEEDED at their paths', async () => {
    const aliases = Array.from({ length: 15 }, (_, alias) => `a${alias}: lpas(uids: ${JSON.stringify(uids(alias * 25, 25))}) { __typename }`);
    const before = await gateway.siriusCalls();
    const { status, body } = await gateway.graphql(ENDPOINT, { query: `{ ${aliases.join(' ')} }` });
    expect(status).toBe(200);
    expect((await gateway.siriusCalls()) - before).toBe(50);
    const refused = body.errors?.filter((error: { extensions?: { code?: string } }) => error.extensions?.code === 'LPA_LIMIT_EXCEEDED') ?? [];
    expect(refused).toHaveLength(375 - 50);
    expect(refused[0]).toMatchObject({ message: expect.stringContaining('at most 50 distinct LPAs'), path: [expect.stringMatching(/^a\d+$/), expect.any(Number)] });
    // The LPAs within the budget were answered (not found: they do not exist).
    const answered = Object.values(body.data ?? {}).flat().filter((lpa) => lpa !== null);
    expect(answered).toHaveLength(50);
    expect(answered[0]).toEqual({ __typename: 'LpaNotFound' });
  });

  it('the same LPA named many times counts once', async () => {
    const before = await gateway.siriusCalls();
    const aliases = Array.from({ length: 15 }, (_, alias) => `a${alias}: lpas(uids: ${JSON.stringify(Array(25).fill('7000-0000-0047'))}) { __typename }`);
    const { body } = await gateway.graphql(ENDPOINT, { query: `{ ${aliases.join(' ')} }` });
    expect(body.errors).toBeUndefined();
    expect((await gateway.siriusCalls()) - before).toBe(1);
  });
});
