import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interpretLpaResponse } from '../../src/sirius/sirius-client';
import { InvalidAnswerError, UpstreamUnavailableError } from '../../src/upstream/upstream-unavailable';
import type { LpaReference } from '../../src/sirius/lpa-reference';

// Real documents: the fixtures are Sirius's own example payloads.
const [sample] = JSON.parse(readFileSync('fixtures/sirius/lpas.json', 'utf8')) as Record<string, unknown>[];
const lpa = sample!;
const byUid: LpaReference = { kind: 'uid', value: '700000000047' };
const byOnlineId: LpaReference = { kind: 'onlineLpaId', value: 'A33718377316' };

function refusal(status: number, body: unknown, ref = byUid): UpstreamUnavailableError | undefined {
  try {
    interpretLpaResponse(status, body, ref);
  } catch (error) {
    if (error instanceof UpstreamUnavailableError) return error;
    throw error;
  }
  return undefined;
}

describe("interpreting Sirius's answer", () => {
  it('200 with the LPA asked for is found; 200 with [] and 404 are not found; 410 is deleted', () => {
    expect(interpretLpaResponse(200, [lpa], byUid)).toMatchObject({ outcome: 'found', doc: { uId: '7000-0000-0047', status: 'Registered' } });
    expect(interpretLpaResponse(200, [lpa], byOnlineId)).toMatchObject({ outcome: 'found' });
    expect(interpretLpaResponse(200, [], byUid)).toEqual({ outcome: 'not-found' });
    expect(interpretLpaResponse(404, undefined, byUid)).toEqual({ outcome: 'not-found' });
    expect(interpretLpaResponse(410, undefined, byUid)).toEqual({ outcome: 'deleted' });
  });

  it('an unexpected status is a typed upstream error', () => {
    expect(refusal(400, undefined)?.reason).toBe('unexpected HTTP 400');
  });

  it('is lenient where Sirius is loose: nulls, missing optional fields and extra fields', () => {
    const { donor, attorneys, trustCorporations: _dropped, ...rest } = lpa as { donor: Record<string, unknown>; attorneys: unknown; trustCorporations: unknown };
    const loose = { ...rest, attorneys: null, donor: { ...donor, addresses: null, email: undefined, somethingNew: { nested: true } }, aFieldSiriusAddedLater: 1 };
    const answer = interpretLpaResponse(200, [loose], byUid);
    expect(answer.outcome).toBe('found');
    if (answer.outcome !== 'found') return;
    expect(answer.doc.attorneys).toBeNull();
    expect(answer.doc.trustCorporations).toBeNull();
    expect(answer.doc.donor.email).toBeNull();
    expect(answer.doc.donor).not.toHaveProperty('somethingNew');
    expect(answer.doc).not.toHaveProperty('aFieldSiriusAddedLater');
    expect(attorneys).toBeDefined();
  });

  it.each([
    ['not an array', { uId: 'x' }],
    ['no donor', [{ ...lpa, donor: null }]],
    ['attorneys not a list', [{ ...lpa, attorneys: { 0: (lpa.attorneys as unknown[])[0] } }]],
    ['an attorney without a uid', [{ ...lpa, attorneys: [{ firstname: 'Ann' }] }]],
    ['a first name that is a number', [{ ...lpa, donor: { ...(lpa.donor as object), firstname: 42 } }]],
    ['an unknown LPA type', [{ ...lpa, caseSubtype: 'xx' }]],
    ['no status', [{ ...lpa, status: undefined }]],
  ])('a record of the wrong shape (%s) is refused', (_case, body) => {
    const error = refusal(200, body);
    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect((error as InvalidAnswerError).invalid).toBe('wrong-shape');
    // The reason names paths, never values: it reaches the logs.
    expect(error?.reason).not.toMatch(/Ann|Rachel|42/);
  });

  it('a record of another LPA is refused, by uid and by online tool id', () => {
    expect((refusal(200, [lpa], { kind: 'uid', value: '700000000048' }) as InvalidAnswerError).invalid).toBe('another-lpa');
    expect((refusal(200, [lpa], { kind: 'onlineLpaId', value: 'A00000000001' }) as InvalidAnswerError).invalid).toBe('another-lpa');
  });
});
