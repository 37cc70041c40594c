import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CALLERS } from '../../src/dev/dev-callers';
import { lambdaEnvironment, startTestGateway, type TestGateway } from '../support/gateway';
import { invokeInFreshProcess } from '../support/lambda-process';

// `npm run build` (test/global-setup.ts, before every test file), then dist/lambda.js's `handler`
// invoked in its own Node process with API Gateway events, against the simulator and dynalite of a test gateway: the deployable artefact, for real.

const ROLE = 'arn:aws:iam::123456789012:role/use-an-lpa-api';
let gateway: TestGateway;
let env: Record<string, string>;

beforeAll(async () => {
  gateway = await startTestGateway();
  const registry = {
    callers: DEV_CALLERS.callers.map((caller) => (caller.name === 'use-an-lpa' ? { ...caller, iamRoleArns: [ROLE] } : caller)),
  };
  env = { ...lambdaEnvironment(gateway, registry), LOG_LEVEL: 'silent' };
}, 120_000);
afterAll(() => gateway.close());

/** Invokes dist/lambda.js's handler with each event, in order, in one fresh process (asynchronously:
 *  the simulator and dynalite it calls live in this process). */
async function invoke(events: unknown[]): Promise<{ statusCode: number; headers: Record<string, string>; body: string }[]> {
  return (await invokeInFreshProcess<{ statusCode: number; headers: Record<string, string>; body: string }>(join(process.cwd(), 'dist/lambda.js'), events, env)).results;
}

const httpApiEvent = (method: string, path: string, headers: Record<string, string>, body?: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers,
  body,
  isBase64Encoded: false,
  requestContext: { stage: '$default', http: { method, path }, requestId: 'lambda-test' },
});

describe('dist/lambda.js', () => {
  it('answers GET /health/live, a registered GraphQL operation with a bearer token, and a REST API call with an IAM identity', async () => {
    const token = await gateway.token('use-an-lpa');
    // Production runs only registered operations (TRUSTED_DOCUMENTS defaults to enforce).
    const viewer = readFileSync('operations/use-an-lpa/v2/ViewSharedLpa.graphql', 'utf8');
    const query = JSON.stringify({ documentId: `sha256:${createHash('sha256').update(viewer).digest('hex')}`, variables: { uid: '700000000047' } });
    const adHoc = JSON.stringify({ query: '{ lpa(uid: "7000-0000-0047") { __typename } }' });
    const [live, graphql, unauthenticated, refused, iam] = await invoke([
      httpApiEvent('GET', '/health/live', {}),
      httpApiEvent('POST', '/use-an-lpa/v2/graphql', { 'content-type': 'application/json', authorization: `Bearer ${token}` }, query),
      httpApiEvent('POST', '/use-an-lpa/v2/graphql', { 'content-type': 'application/json' }, query),
      httpApiEvent('POST', '/use-an-lpa/v2/graphql', { 'content-type': 'application/json', authorization: `Bearer ${token}` }, adHoc),
      {
        httpMethod: 'POST',
        path: '/use-an-lpa/v2/graphql',
        headers: { 'Content-Type': 'application/json' },
        multiValueQueryStringParameters: null,
        body: Buffer.from(query).toString('base64'),
        isBase64Encoded: true,
        requestContext: { stage: 'v1', identity: { userArn: 'arn:aws:sts::123456789012:assumed-role/use-an-lpa-api/ual-session' } },
      },
    ]);
    expect(live).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(live!.body)).toEqual({ status: 'live' });
    expect(graphql!.statusCode).toBe(200);
    const viewed = JSON.parse(graphql!.body);
    expect(viewed.errors).toBeUndefined();
    expect(viewed.data.lpa).toMatchObject({ __typename: 'Lpa', uid: '7000-0000-0047', donor: { surname: 'Sanderson' }, freshness: { source: 'LIVE' } });
    expect(graphql!.headers['x-request-id']).toBeTruthy();
    expect(unauthenticated!.statusCode).toBe(401);
    expect(refused!.statusCode).toBe(400);
    expect(JSON.parse(refused!.body).errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(iam!.statusCode).toBe(200);
    expect(JSON.parse(iam!.body).data.lpa.donor.surname).toBe('Sanderson');
  });

  it('refuses to boot without production configuration', () => {
    expect(() =>
      execFileSync(process.execPath, ['--input-type=module', '-e', `const { handler } = await import(${JSON.stringify(join(process.cwd(), 'dist/lambda.js'))}); await handler({ version: '2.0', rawPath: '/health/live', rawQueryString: '', headers: {}, requestContext: { stage: '$default', http: { method: 'GET' } } });`], {
        env: { PATH: process.env.PATH ?? '' },
        stdio: 'pipe',
        timeout: 30_000,
      }),
    ).toThrow(/needs production configuration/);
  });
});
