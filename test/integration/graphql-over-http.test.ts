import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

// The GraphQL over HTTP spec's own audit (graphql-http's `serverAudits`), run against a real
// gateway over HTTP. The audits send `{ __typename }` and variations of it (GET and POST, media
// types, malformed bodies), so they run against an endpoint that takes ad-hoc queries: Use an LPA
// v2 on the embedded default (TRUSTED_DOCUMENTS=allow), as its dev caller.
//
// Every MUST passes. The SHOULDs the gateway does not meet are listed here by id: a new warning
// fails this test, so it is noticed, and then fixed or added here on purpose. MAYs are reported
// by graphql-http as notices and never fail.
const KNOWN_SHOULD_WARNINGS: Record<string, string> = {
  // With `accept: application/json` (the legacy media type) the spec asks for 200 and an errors
  // body on a request that never executes; the gateway, like Apollo Server, answers 400, as it
  // does for application/graphql-response+json (where 400 is what the spec asks for).
  '572B': 'SHOULD use 200 status code on document parsing failure when accepting application/json',
  FDE2: 'SHOULD use 200 status code on document validation failure when accepting application/json',
  '7B9B': 'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
};

let gateway: TestGateway;
let token: string;

// The audits build their own requests: each gets the dev caller's token, their headers kept.
const fetchFn: typeof fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
// Built when the file is collected; the URL is read per audit, once the gateway is listening.
const audits = serverAudits({ url: () => `${gateway.url}/use-an-lpa/v2/graphql`, fetchFn });
const results: AuditResult[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  token = await gateway.token('use-an-lpa');
});

afterAll(async () => {
  await gateway?.close();
});

describe('GraphQL over HTTP (graphql-http server audits on /use-an-lpa/v2/graphql)', () => {
  for (const audit of audits) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      results.push(result);
      const reason = result.status === 'ok' ? '' : `: ${result.reason}`;
      if (audit.name.startsWith('MUST')) expect(`${result.status}${reason}`).toBe('ok');
      else if (result.status === 'warn') expect(KNOWN_SHOULD_WARNINGS, `new SHOULD warning ${audit.id}${reason}`).toHaveProperty([audit.id]);
      // 'error' is only ever a MUST; a 'notice' is a MAY the gateway does not do.
      expect(result.status).not.toBe('error');
    });
  }

  it('fails no MUST, and warns on no SHOULD beyond the known ones', () => {
    expect(results).toHaveLength(audits.length);
    expect(results.filter((r) => r.status === 'error').map((r) => r.id)).toEqual([]);
    const warned = results.filter((r) => r.status === 'warn').map((r) => r.id);
    expect(Object.keys(KNOWN_SHOULD_WARNINGS)).toEqual(expect.arrayContaining(warned));
    // For the record, as the issue counts them (passes, MUST failures, SHOULD warnings).
    const count = (status: AuditResult['status']) => results.filter((r) => r.status === status).length;
    console.info(`graphql-http audit: ${count('ok')} pass, ${count('error')} MUST fail, ${count('warn')} SHOULD warn (${warned.join(', ')}), ${count('notice')} MAY notices`);
  });
});
