import { describe, expect, it } from 'vitest';
import { parseLpaStoreLpa } from '../../src/lpa-store/lpa-store-lpa';
import { created, example, registered, type JsonObject } from '../support/lpa-store-documents';

// Real documents: OPG's own creation bodies, made into LPAs the way the store makes them.
const lpa = registered(example('example-lpa'));

function problems(value: unknown): string[] {
  const parsed = parseLpaStoreLpa(value);
  return parsed.ok ? [] : parsed.problems;
}

describe("the LPA Store's LPA document", () => {
  it.each(['example-lpa', 'example-lpa-all-paper', 'example-lpa-default-response', 'example-lpa-default-request'])(
    '%s, created and then registered, parses',
    (name) => {
      expect(problems(created(example(name)))).toEqual([]);
      expect(problems(registered(example(name)))).toEqual([]);
    },
  );

  it('keeps what the mappers need, with missing optional fields as null or empty lists', () => {
    const parsed = parseLpaStoreLpa(created(example('example-lpa-default-request')));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.lpa).toMatchObject({
      uid: 'M-7890-0400-4000',
      status: 'in-progress',
      registrationDate: null,
      lpaType: 'personal-welfare',
      lifeSustainingTreatmentOption: null,
      restrictionsAndConditions: null,
      restrictionsAndConditionsImages: [],
      donor: { firstNames: 'Feeg', lastName: 'Bundlaaaa', dateOfBirth: '1970-01-24', otherNamesKnownBy: null },
      attorneys: [{ firstNames: 'Herman', status: 'active', appointmentType: 'original' }],
      trustCorporations: [{ name: 'Trust us Corp.', status: 'active' }],
    });
  });

  it('is lenient where real records are loose', () => {
    const { trustCorporations: _none, ...withoutCorporations } = lpa;
    const loose = {
      ...withoutCorporations,
      // Typed a date, written as a timestamp, or null before registration: all three are real.
      registrationDate: '2024-01-20T10:15:30Z',
      // Never produced today, or added after this gateway: still an LPA.
      status: 'a-status-added-next-year',
      attorneys: [{ ...(lpa.attorneys as JsonObject[])[0], status: 'suspended', appointmentType: undefined, somethingNew: { nested: true } }],
      certificateProvider: null,
      restrictionsAndConditionsImages: null,
      aFieldTheStoreAddedLater: 1,
    };
    const parsed = parseLpaStoreLpa(loose);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.lpa.status).toBe('a-status-added-next-year');
    expect(parsed.lpa.trustCorporations).toEqual([]);
    expect(parsed.lpa.restrictionsAndConditionsImages).toEqual([]);
    expect(parsed.lpa.certificateProvider).toBeNull();
    expect(parsed.lpa.attorneys[0]).toMatchObject({ status: 'suspended', appointmentType: null });
    expect(parsed.lpa.attorneys[0]).not.toHaveProperty('somethingNew');
    expect(parsed.lpa).not.toHaveProperty('aFieldTheStoreAddedLater');
    expect(problems({ ...lpa, registrationDate: '2024-01-20' })).toEqual([]);
    expect(problems({ ...lpa, registrationDate: null })).toEqual([]);
  });

  it.each([
    ['not an object', []],
    ['no uid', { ...lpa, uid: undefined }],
    ['a uid of another form', { ...lpa, uid: '7000-0000-0047' }],
    ['no status', { ...lpa, status: undefined }],
    ['an unknown LPA type', { ...lpa, lpaType: 'financial-decisions' }],
    ['no donor', { ...lpa, donor: null }],
    ['a donor without names', { ...lpa, donor: { ...(lpa.donor as JsonObject), firstNames: undefined } }],
    ['attorneys not a list', { ...lpa, attorneys: { 0: (lpa.attorneys as JsonObject[])[0]! } }],
    ['an attorney that is a string', { ...lpa, attorneys: ['Herman Seakrest'] }],
    ['a trust corporation without a name', { ...lpa, trustCorporations: [{ uid: 'x', status: 'active' }] }],
    ['a surname that is a number', { ...lpa, donor: { ...(lpa.donor as JsonObject), lastName: 42 } }],
  ])('a document of the wrong shape (%s) is refused', (_case, body) => {
    expect(problems(body).length).toBeGreaterThan(0);
  });

  it('names paths and issue codes, never values (they reach the logs)', () => {
    const found = problems({ ...lpa, donor: { ...(lpa.donor as JsonObject), lastName: 42 }, uid: 'M-SECRET-VALUE' });
    expect(found).toEqual(['uid: invalid_format', 'donor.lastName: invalid_type']);
    expect(found.join(' ')).not.toContain('SECRET');
  });
});
