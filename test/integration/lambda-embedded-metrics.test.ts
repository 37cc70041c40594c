import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_METRICS_MESSAGE } from '../../src/observability/embedded-metrics';
import { expectValidEmf } from '../support/emf';
import { lambdaEnvironment, startTestGateway, type TestGateway } from '../support/gateway';
import { invokeInFreshProcess } from '../support/lambda-process';

// The Lambda entry (src/lambda.ts's `handler`), in its own Node process configured as a Lambda
// function is (AWS_LAMBDA_FUNCTION_NAME set, so EMF is on by default), against a test gateway's
// simulator, dynalite and codes table. Its stdout is what CloudWatch Logs would receive: the EMF
// lines are read from it.

const CASE_MANAGEMENT = '/sirius-case-management/v1/graphql';
const USE_AN_LPA = '/use-an-lpa/v2/graphql';
const LPA = '7000-0000-0047';
const ACTOR = '7000-0000-0799';
const DOB = '1948-11-01';
const WRONG_DOB = '1937-04-23';
const VALIDATE = `mutation ($code: String!, $lpaUid: LpaUid!, $dateOfBirth: Date!) { validateActivationCode(code: $code, lpaUid: $lpaUid, dateOfBirth: $dateOfBirth) {
  __typename ... on ActivationCodeRefused { reason } } }`;

let gateway: TestGateway;
let env: Record<string, string>;

beforeAll(async () => {
  gateway = await startTestGateway();
  env = {
    ...lambdaEnvironment(gateway),
    AWS_LAMBDA_FUNCTION_NAME: 'sirius-gateway-test',
    LOG_LEVEL: 'info',
    CODES_LOCK_AFTER_FAILURES: '2',
    // These events send ad-hoc documents; trusted documents are not what this test is about.
    TRUSTED_DOCUMENTS: 'allow',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}, 60_000);
afterAll(() => gateway.close());

/** Invokes src/lambda.ts's handler with each event, in order, in one fresh process: its answers and its stdout lines. */
async function invoke(events: unknown[], extraEnv: Record<string, string> = {}): Promise<{ results: { statusCode: number; body: string }[]; lines: string[] }> {
  const { results, stdout } = await invokeInFreshProcess<{ statusCode: number; body: string }>(join(process.cwd(), 'src/lambda.ts'), events, { ...env, ...extraEnv }, { tsx: true, timeoutMs: 60_000 });
  return { results, lines: stdout.split('\n').filter((line) => line.startsWith('{')) };
}

const post = (path: string, headers: Record<string, string>, body: unknown) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: { stage: '$default', http: { method: 'POST', path }, requestId: 'emf-test' },
});

const emfLines = (lines: string[]) => lines.filter((line) => (JSON.parse(line) as { _aws?: unknown })._aws !== undefined);

describe('the Lambda entry writes CloudWatch embedded metrics', () => {
  it('a TOO_MANY_ATTEMPTS outcome and a refused token each produce their EMF line, every request one, and none carries personal data', async () => {
    // The code is created through the test gateway: the same table and secret as the function's.
    const created = await gateway.graphql(CASE_MANAGEMENT, {
      query: 'mutation ($input: [CreateActivationCodeInput!]!) { createActivationCodes(input: $input) { code } }',
      variables: { input: [{ lpaUid: LPA, actorUid: ACTOR, dateOfBirth: DOB }] },
    });
    expect(created.body.errors).toBeUndefined();
    const code = created.body.data?.createActivationCodes[0].code as string;
    const token = await gateway.token('use-an-lpa');
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    const check = (dateOfBirth: string) => post(USE_AN_LPA, { authorization: `Bearer ${token}` }, { query: VALIDATE, variables: { code, lpaUid: LPA, dateOfBirth } });

    const { results, lines } = await invoke([
      check(WRONG_DOB),
      check(WRONG_DOB),
      check(DOB), // locked after two failures, even with the right date of birth
      post(USE_AN_LPA, { authorization: `Bearer ${forged}` }, { query: VALIDATE, variables: { code, lpaUid: LPA, dateOfBirth: DOB } }),
    ]);
    const reasons = results.slice(0, 3).map((result) => JSON.parse(result.body).data.validateActivationCode.reason);
    expect(reasons).toEqual(['NO_MATCH', 'NO_MATCH', 'TOO_MANY_ATTEMPTS']);
    expect(results[3]!.statusCode).toBe(401);

    const emf = emfLines(lines);
    for (const line of emf) expectValidEmf(line);
    const parsed = emf.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of parsed) expect(line.msg).toBe(EMBEDDED_METRICS_MESSAGE);
    const outcomes = parsed.filter((line) => 'CodeOutcomes' in line);
    expect(outcomes.map((line) => [line.Operation, line.Outcome, line.CodeOutcomes])).toEqual([
      ['validate', 'NO_MATCH', 1],
      ['validate', 'NO_MATCH', 1],
      ['validate', 'TOO_MANY_ATTEMPTS', 1],
    ]);
    const refused = parsed.filter((line) => 'AuthenticationsRefused' in line);
    expect(refused.map((line) => [line.Reason, line.AuthenticationsRefused])).toEqual([['invalid-token', 1]]);
    const requests = parsed.filter((line) => 'Requests' in line);
    expect(requests.map((line) => [line.Consumer, line.Version, line.Requests, line.Errors])).toEqual([
      ['use-an-lpa', 'v2', 1, 0],
      ['use-an-lpa', 'v2', 1, 0],
      ['use-an-lpa', 'v2', 1, 0],
      ['none', 'none', 1, 0], // refused before it reached a consumer schema
    ]);
    for (const line of requests) expect(line.Latency).toBeTypeOf('number');

    // Nothing personal or secret on an EMF line: no date of birth, name, uid, code or token.
    const text = emf.join('\n');
    for (const secret of [DOB, WRONG_DOB, code, token, forged, token.split('.')[1]!, forged.split('.')[2]!, LPA, LPA.replace(/-/g, ''), ACTOR, 'Sanderson']) {
      expect(text).not.toContain(secret);
    }
  }, 90_000);

  it('writes none with EMBEDDED_METRICS=false: the metrics are the same code path, switched off', async () => {
    const token = await gateway.token('use-an-lpa');
    const { results, lines } = await invoke(
      [post(USE_AN_LPA, { authorization: 'Bearer not.a-valid.token' }, { query: '{ __typename }' }), post(USE_AN_LPA, { authorization: `Bearer ${token}` }, { query: '{ __typename }' })],
      { EMBEDDED_METRICS: 'false' },
    );
    expect(results.map((result) => result.statusCode)).toEqual([401, 200]);
    expect(lines.some((line) => JSON.parse(line).msg === 'request')).toBe(true); // the log itself is there
    expect(emfLines(lines)).toEqual([]);
  }, 90_000);
});
