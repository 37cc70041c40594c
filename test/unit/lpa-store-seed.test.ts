import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { applyUpdate, createLpa, type JsonObject } from '../../src/dev/lpa-store-lifecycle';
import { SEED_PLAN, seededLpas } from '../../src/dev/lpa-store-seed';
import { parseLpaStoreUid } from '../../src/lpa-store/lpa-store-uid';
import { projectPath } from '../../src/project-paths';

// The simulator's seeded LPAs are what the store would hold: valid uids, the store's own JSON
// schema, and the store's own rules for making them.

const fixture = (path: string) => JSON.parse(readFileSync(projectPath('fixtures', 'lpa-store', path), 'utf8'));

/**
 * The store's schema (fixtures/lpa-store/schemas/2024-10), read as it is meant rather than as it is
 * written, where real records say otherwise:
 * - lpa.json and donor-details-partial.json each say `additionalProperties: false` at the top, so
 *   each refuses the other's fields (`uid`, `lpaType`...): the intent, no field outside the two, is
 *   `unevaluatedProperties: false` on lpa.json;
 * - `registrationDate` is typed a date but the store writes a full timestamp (register.go sets
 *   time.Now()), and leaves it out until registration (a Go `*time.Time` with omitempty);
 * - an attorney's legacy `status: "replacement"` (the store's older Go code; Use an LPA's test data).
 */
function lpaValidator() {
  const partial = fixture('schemas/2024-10/donor-details-partial.json');
  const lpa = fixture('schemas/2024-10/lpa.json');
  delete partial.additionalProperties;
  delete lpa.additionalProperties;
  lpa.unevaluatedProperties = false;
  lpa.required = lpa.required.filter((name: string) => name !== 'registrationDate');
  lpa.properties.registrationDate = { anyOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }, { type: 'null' }] };
  partial.$defs.Attorney.properties.status.enum.push('replacement');
  lpa.properties.attorneys.items.properties.status.enum.push('replacement');

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('ISO-3166-1', /^[A-Z]{2}$/);
  ajv.addSchema(partial);
  return ajv.compile(lpa);
}

describe('seeded LPAs', () => {
  const lpas = seededLpas();

  it('have valid, distinct uids (Damm check digit, as opg-data-lpa-uid makes them)', () => {
    const uids = lpas.map((lpa) => lpa.uid as string);
    for (const uid of uids) expect(parseLpaStoreUid(uid), uid).toBe(uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toContain('M-7890-0400-4000');
  });

  it('validate against the store’s own JSON schema', () => {
    const validate = lpaValidator();
    for (const lpa of lpas) {
      const valid = validate(lpa);
      expect(valid ? [] : validate.errors, String(lpa.uid)).toEqual([]);
    }
  });

  it('cover the store’s life: statuses, replacements, removals, the legacy status', () => {
    const byUid = new Map(lpas.map((lpa) => [lpa.uid, lpa]));
    expect(new Set(lpas.map((lpa) => lpa.status))).toEqual(
      new Set(['registered', 'in-progress', 'statutory-waiting-period', 'withdrawn', 'cancelled', 'cannot-register']),
    );
    for (const lpa of lpas) {
      // Registered (and later cancelled) LPAs carry a full timestamp; others none.
      if (lpa.status === 'registered' || lpa.status === 'cancelled') expect(lpa.registrationDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      else expect(lpa.registrationDate).toBeUndefined();
    }
    const attorneys = (uid: string) => (byUid.get(uid)!.attorneys as JsonObject[]).map((a) => [a.status, a.appointmentType]);
    expect(attorneys('M-1000-0000-0096')).toEqual([['active', 'original'], ['inactive', 'replacement']]);
    expect(attorneys('M-1000-0000-0105')).toEqual([['removed', 'original'], ['active', 'replacement']]);
    expect(attorneys('M-1000-0000-0118')).toEqual([['active', 'original'], ['removed', 'original']]);
    expect(attorneys('M-1000-0000-0126')).toEqual([['active', 'original'], ['replacement', 'replacement']]);
    const legacy = lpas.filter((lpa) => (lpa.attorneys as JsonObject[]).some((a) => a.status === 'replacement'));
    expect(legacy.map((lpa) => lpa.uid)).toEqual(['M-1000-0000-0126']);
  });

  it('are listed in the plan with the status each ends in', () => {
    expect(lpas.map((lpa) => [lpa.uid, lpa.status])).toEqual(SEED_PLAN.map((plan) => [plan.uid, plan.status]));
  });
});

describe('the store’s rules, as the seed applies them', () => {
  it('create fills in the store’s defaults as OPG’s example response shows', () => {
    const created = createLpa('M-7890-0400-4000', fixture('examples/example-lpa-default-request.json'), '2024-01-12T10:00:00Z');
    expect(created).toEqual({ ...fixture('examples/example-lpa-default-response.json'), uid: 'M-7890-0400-4000', status: 'in-progress', updatedAt: '2024-01-12T10:00:00Z' });
  });

  it('refuses what the store refuses', () => {
    const lpa = createLpa('M-7890-0400-4000', fixture('examples/example-lpa.json'), '2024-01-12T10:00:00Z');
    expect(() => applyUpdate(lpa, { type: 'REGISTER', changes: [] }, '2024-02-01T00:00:00Z')).toThrow(/statutory waiting period/);
    expect(() => applyUpdate(lpa, { type: 'STATUTORY_WAITING_PERIOD', changes: [] }, '2024-02-01T00:00:00Z')).toThrow(/certificate/);
    expect(() => applyUpdate(lpa, { type: 'OPG_STATUS_CHANGE', changes: [{ key: '/status', new: 'cancelled' }] }, '2024-02-01T00:00:00Z')).toThrow(/registered/);
    expect(() => applyUpdate(lpa, { type: 'OPG_STATUS_CHANGE', changes: [{ key: '/status', new: 'registered' }] }, '2024-02-01T00:00:00Z')).toThrow(/manually/);
    const signed = applyUpdate(lpa, fixture('updates/attorney-sign.json'), '2024-01-13T22:10:00Z');
    expect(() => applyUpdate(signed, fixture('updates/attorney-sign-uid.json'), '2024-01-13T22:11:00Z')).toThrow(/sign again/);
    expect(lpa.attorneys).toEqual(fixture('examples/example-lpa.json').attorneys); // updates never change their input
  });
});
