import { describe, expect, it } from 'vitest';
import { SiriusUnavailableError } from '../../src/sirius/errors';
import { interpretLpaResponse } from '../../src/sirius/sirius-client';

const lpa = { uId: '7000-0000-0047', status: 'Registered', caseSubtype: 'hw', donor: {} };

describe("interpreting Sirius's answer", () => {
  it('200 with an LPA is found; 200 with [] and 404 are not found; 410 is deleted', () => {
    expect(interpretLpaResponse(200, [lpa])).toEqual({ outcome: 'found', lpa });
    expect(interpretLpaResponse(200, [])).toEqual({ outcome: 'not-found' });
    expect(interpretLpaResponse(404, undefined)).toEqual({ outcome: 'not-found' });
    expect(interpretLpaResponse(410, undefined)).toEqual({ outcome: 'deleted' });
  });

  it.each([
    [400, undefined, 'unexpected HTTP 400'],
    [200, { uId: 'x' }, 'response is not an array'],
    [200, [{ hello: 'world' }], 'response is not an LPA'],
  ])('HTTP %s with %j is a typed upstream error (%s)', (status, body, reason) => {
    expect(() => interpretLpaResponse(status, body)).toThrow(SiriusUnavailableError);
    try {
      interpretLpaResponse(status, body);
    } catch (error) {
      expect((error as SiriusUnavailableError).reason).toBe(reason);
    }
  });
});
