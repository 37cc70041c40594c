import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appointment, calendarDay, fromLpaStore, fromSirius, lpaStoreStatus } from '../../src/consumers/use-an-lpa/v3/mappers';
import { parseLpaStoreLpa, type LpaStoreLpa } from '../../src/lpa-store/lpa-store-lpa';
import { parseSiriusLpa, type SiriusLpa } from '../../src/sirius/sirius-lpa';
import { applied, created, example, registered, update, type JsonObject } from '../support/lpa-store-documents';

// Real documents only: Sirius's example payloads (fixtures/sirius/lpas.json), and the LPA Store's
// creation and update bodies (fixtures/lpa-store) made into LPAs as the store makes them. Each goes
// through its upstream's boundary validation first, as it would in the gateway.

function storeLpa(document: unknown): LpaStoreLpa {
  const parsed = parseLpaStoreLpa(document);
  if (!parsed.ok) throw new Error(`not an LPA Store document: ${parsed.problems.join(', ')}`);
  return parsed.lpa;
}

function siriusLpa(document: unknown): SiriusLpa {
  const parsed = parseSiriusLpa(document);
  if (!parsed.ok) throw new Error(`not a Sirius LPA: ${parsed.problems.join(', ')}`);
  return parsed.lpa;
}

const names = (people: { firstNames: string | null; surname: string | null }[]) => people.map((person) => `${person.firstNames} ${person.surname}`);

// A replacement attorney as the store holds one from creation: appointed as a replacement, inactive.
const herman = (example('example-lpa').attorneys as JsonObject[])[0]!;
const rhiannon: JsonObject = {
  ...herman,
  uid: 'c6f3a5e4-4b0e-4c8b-9d0a-2f7d1c1b8e11',
  firstNames: 'Rhiannon',
  lastName: 'Replacement',
  dateOfBirth: '1985-03-02',
  status: 'inactive',
  appointmentType: 'replacement',
};
const withReplacement = (replacement: JsonObject = rhiannon): JsonObject => ({ ...example('example-lpa'), attorneys: [herman, replacement] });

describe('use-an-lpa v3 from the LPA Store', () => {
  it('maps a registered LPA field by field', () => {
    const combined = fromLpaStore(storeLpa(registered(example('example-lpa'))));
    expect(combined).toMatchObject({
      uid: 'M-7890-0400-4000',
      source: 'LPA_STORE',
      status: 'REGISTERED',
      type: 'HEALTH_AND_WELFARE',
      applicationType: 'ONLINE',
      onlineLpaId: null,
      howAttorneysMakeDecisions: 'JOINTLY',
      whenAttorneysCanAct: null,
      lifeSustainingTreatment: 'OPTION_A',
      hasRestrictions: true,
      restrictionsAndConditions: 'I do not want to be put into a care home unless x',
      hasGuidance: null,
      isCleansed: null,
      donorSignatureDate: '2024-01-10',
      registrationDate: '2024-01-20',
      receiptDate: null,
      statusDate: null,
      updatedAt: new Date('2024-01-20T10:15:30.123Z'),
      donor: {
        uid: 'eda719db-8880-4dda-8c5d-bb9ea12c236f',
        salutation: null,
        firstNames: 'Feeg',
        surname: 'Bundlaaaa',
        dateOfBirth: '1970-01-24',
        email: 'nobody@not.a.real.domain',
        addresses: [{ addressLine1: '74 Cloob Close', addressLine2: null, town: 'Mahhhhhhhhhh', county: null, postcode: null, country: null, countryCode: 'GB' }],
      },
      replacementAttorneys: [],
      replacementTrustCorporations: [],
    });
    expect(names(combined.attorneys)).toEqual(['Herman Seakrest']);
    // The certificate provider as they left it when signing (certificate-provider-sign.json).
    expect(combined.certificateProviders).toMatchObject([
      { firstNames: 'Vone', surname: 'Spust', dateOfBirth: null, email: 'b@example.com', addresses: [{ addressLine1: '98 CVVVV', town: 'Murkkkk Town', countryCode: null }] },
    ]);
    // The trust corporation as it left itself when signing (trust-corporation-sign.json).
    expect(combined.trustCorporations).toMatchObject([{ uid: '1d95993a-ffbb-484c-b2fe-f4cca51801da', name: 'Trust us Corp.', companyNumber: 'WXYZ5678', email: 'a@example.com' }]);
  });

  it('a paper LPA: made on paper, its restrictions scanned pages (so there are some, but no text)', () => {
    const combined = fromLpaStore(storeLpa(registered(example('example-lpa-all-paper'))));
    expect(combined).toMatchObject({
      applicationType: 'CLASSIC',
      howAttorneysMakeDecisions: 'JOINTLY_FOR_SOME_JOINTLY_AND_SEVERALLY_FOR_OTHERS',
      howAttorneysMakeDecisionsDetails: null,
      hasRestrictions: true,
      restrictionsAndConditions: null,
    });
    expect(fromLpaStore(storeLpa(registered(example('example-lpa-default-response'))))).toMatchObject({ hasRestrictions: false, restrictionsAndConditions: null, lifeSustainingTreatment: 'OPTION_B' });
  });

  it('a severed restriction answers the text as it now stands', () => {
    const severed = applied(registered(example('example-lpa')), update('sever-restrictions-and-conditions'), '2024-02-01T12:00:00Z');
    expect(fromLpaStore(storeLpa(severed)).restrictionsAndConditions).toBe('I do not want to be put into a care home');
  });

  describe('attorneys: active, inactive or removed; replacements by appointment type', () => {
    it('a replacement is inactive until it steps in, and listed as a replacement meanwhile', () => {
      const combined = fromLpaStore(storeLpa(registered(withReplacement())));
      expect(names(combined.attorneys)).toEqual(['Herman Seakrest']);
      expect(names(combined.replacementAttorneys)).toEqual(['Rhiannon Replacement']);
    });

    it('when it steps in (change-attorneys.json: the original removed, the replacement active) it is listed under attorneys, and the removed one nowhere', () => {
      const changed = applied(registered(withReplacement()), update('change-attorneys'), '2024-03-01T09:00:00Z');
      expect(changed.attorneys).toMatchObject([{ status: 'removed', appointmentType: 'original' }, { status: 'active', appointmentType: 'replacement' }]);
      const combined = fromLpaStore(storeLpa(changed));
      expect(names(combined.attorneys)).toEqual(['Rhiannon Replacement']);
      expect(combined.replacementAttorneys).toEqual([]);
    });

    it('a removed attorney is never listed as acting, nor as waiting, whatever its appointment', () => {
      const removedReplacement = { ...rhiannon, status: 'removed' };
      const removedOriginal = { ...herman, status: 'removed' };
      const combined = fromLpaStore(storeLpa(registered({ ...example('example-lpa'), attorneys: [removedOriginal, removedReplacement] })));
      expect(combined.attorneys).toEqual([]);
      expect(combined.replacementAttorneys).toEqual([]);
    });

    it("Use an LPA's legacy `status: replacement` is a replacement still waiting", () => {
      const legacy: JsonObject = { ...rhiannon, status: 'replacement' };
      delete legacy.appointmentType;
      const combined = fromLpaStore(storeLpa(registered(withReplacement(legacy))));
      expect(names(combined.attorneys)).toEqual(['Herman Seakrest']);
      expect(names(combined.replacementAttorneys)).toEqual(['Rhiannon Replacement']);
    });

    it.each([
      ['active', 'original', 'acting'],
      ['active', 'replacement', 'acting'],
      ['active', null, 'acting'],
      ['inactive', 'replacement', 'waiting-replacement'],
      ['replacement', null, 'waiting-replacement'],
      ['removed', 'original', 'not-listed'],
      ['removed', 'replacement', 'not-listed'],
      ['inactive', 'original', 'not-listed'],
      ['suspended', 'original', 'not-listed'],
      [null, 'original', 'not-listed'],
    ])('status %j, appointment type %j → %s', (status, appointmentType, expected) => {
      expect(appointment({ status, appointmentType })).toBe(expected);
    });

    it('trust corporations follow the same rules', () => {
      const corporation = (example('example-lpa').trustCorporations as JsonObject[])[0]!;
      const replacement = { ...corporation, uid: '5b1c1e5e-2f59-4c36-9a1a-0d5a3b0c9e77', name: 'Replacement Trust Ltd', status: 'inactive', appointmentType: 'replacement' };
      const removed = { ...corporation, uid: 'f0e1d2c3-b4a5-4968-8776-655443322110', name: 'Removed Trust Ltd', status: 'removed' };
      const combined = fromLpaStore(storeLpa(created({ ...example('example-lpa'), trustCorporations: [corporation, replacement, removed] })));
      expect(combined.trustCorporations.map((c) => c.name)).toEqual(['Trust us Corp.']);
      expect(combined.replacementTrustCorporations?.map((c) => c.name)).toEqual(['Replacement Trust Ltd']);
    });
  });

  describe('statuses', () => {
    it.each([
      ['in-progress', 'IN_PROGRESS'],
      ['statutory-waiting-period', 'STATUTORY_WAITING_PERIOD'],
      ['registered', 'REGISTERED'],
      ['cannot-register', 'CANNOT_REGISTER'],
      ['do-not-register', 'DO_NOT_REGISTER'],
      ['expired', 'EXPIRED'],
      ['withdrawn', 'WITHDRAWN'],
      ['cancelled', 'CANCELLED'],
      ['de-registered', 'DE_REGISTERED'],
      ['suspended', 'SUSPENDED'],
      ['a-status-added-next-year', 'UNRECOGNISED'],
      ['Registered', 'UNRECOGNISED'],
      ['Pending', 'UNRECOGNISED'],
      ['toString', 'UNRECOGNISED'],
      ['', 'UNRECOGNISED'],
    ])('%j → %s', (status, expected) => {
      expect(lpaStoreStatus(status)).toBe(expected);
    });

    it('an LPA whose status the gateway does not know is still answered, whole', () => {
      const combined = fromLpaStore(storeLpa({ ...registered(example('example-lpa')), status: 'a-status-added-next-year' }));
      expect(combined.status).toBe('UNRECOGNISED');
      expect(names(combined.attorneys)).toEqual(['Herman Seakrest']);
      expect(combined.registrationDate).toBe('2024-01-20');
    });

    it('follows an LPA through its life: in progress, waiting, withdrawn, refused', () => {
      const lpa = created(example('example-lpa'));
      expect(fromLpaStore(storeLpa(lpa))).toMatchObject({ status: 'IN_PROGRESS', registrationDate: null });
      const waiting = applied(lpa, update('statutory-waiting-period'), '2024-01-14T09:00:00Z');
      expect(fromLpaStore(storeLpa(waiting))).toMatchObject({ status: 'STATUTORY_WAITING_PERIOD', registrationDate: null });
      expect(fromLpaStore(storeLpa(applied(lpa, update('donor-withdraw-lpa'), '2024-01-15T09:00:00Z'))).status).toBe('WITHDRAWN');
      expect(fromLpaStore(storeLpa(applied(lpa, update('opg-status-change'), '2024-01-15T09:00:00Z'))).status).toBe('CANNOT_REGISTER');
    });
  });

  describe('registrationDate: typed a date, written a timestamp', () => {
    it.each([
      ['2024-01-20T10:15:30.123456789Z', '2024-01-20'],
      ['2024-01-20T10:15:30Z', '2024-01-20'],
      ['2024-01-20', '2024-01-20'],
      // A UK register: the day in London, which in summer starts an hour before UTC's.
      ['2024-06-01T23:30:00Z', '2024-06-02'],
      ['2024-12-01T23:30:00Z', '2024-12-01'],
      ['2024-06-02T00:30:00+01:00', '2024-06-02'],
      [null, null],
      // Go's zero time: the store's way of writing "not set".
      ['0001-01-01T00:00:00Z', null],
      ['2024-02-30', null],
      ['2024-02-30T10:00:00Z', null],
      ['20/01/2024', null],
      ['', null],
    ])('%j → %j', (registrationDate, expected) => {
      expect(calendarDay(registrationDate)).toBe(expected);
      expect(fromLpaStore(storeLpa({ ...registered(example('example-lpa')), registrationDate })).registrationDate).toBe(expected);
    });

    it('a registered LPA read back from the store answers the day it was registered', () => {
      const lpa = registered(example('example-lpa'), 'M-0000-0000-0646', '2024-07-31T23:59:59.999Z');
      expect(lpa.registrationDate).toBe('2024-07-31T23:59:59.999Z');
      expect(fromLpaStore(storeLpa(lpa))).toMatchObject({ uid: 'M-0000-0000-0646', registrationDate: '2024-08-01' });
    });
  });

  it('when the LPA can be used, and the replacement attorneys’ arrangements, in v3’s words', () => {
    const lpa = {
      ...registered(example('example-lpa')),
      lpaType: 'property-and-affairs',
      whenTheLpaCanBeUsed: 'when-has-capacity',
      lifeSustainingTreatmentOption: undefined,
      howReplacementAttorneysMakeDecisions: 'jointly-and-severally',
      howReplacementAttorneysStepIn: 'another-way',
      howReplacementAttorneysStepInDetails: 'When my daughter says so',
    };
    expect(fromLpaStore(storeLpa(lpa))).toMatchObject({
      type: 'PROPERTY_AND_FINANCE',
      whenAttorneysCanAct: 'WHEN_REGISTERED',
      lifeSustainingTreatment: null,
      howReplacementAttorneysMakeDecisions: 'JOINTLY_AND_SEVERALLY',
      howReplacementAttorneysStepIn: 'ANOTHER_WAY',
      howReplacementAttorneysStepInDetails: 'When my daughter says so',
    });
    expect(fromLpaStore(storeLpa({ ...lpa, whenTheLpaCanBeUsed: 'when-capacity-lost', howReplacementAttorneysStepIn: 'sometime' }))).toMatchObject({
      whenAttorneysCanAct: 'LOSS_OF_CAPACITY',
      howReplacementAttorneysStepIn: null,
    });
  });
});

describe('use-an-lpa v3 from Sirius (as v2 reads it)', () => {
  const fixtures = JSON.parse(readFileSync('fixtures/sirius/lpas.json', 'utf8')) as JsonObject[];
  const [sample] = fixtures;

  it('maps 7000-0000-0047 field by field; attorneys removed from it (systemStatus false) are not listed', () => {
    const combined = fromSirius(siriusLpa(sample));
    expect(combined).toMatchObject({
      uid: '7000-0000-0047',
      source: 'SIRIUS',
      status: 'REGISTERED',
      type: 'HEALTH_AND_WELFARE',
      applicationType: 'CLASSIC',
      onlineLpaId: 'A33718377316',
      howAttorneysMakeDecisions: 'JOINTLY_AND_SEVERALLY',
      howAttorneysMakeDecisionsDetails: null,
      lifeSustainingTreatment: 'OPTION_A',
      hasRestrictions: false,
      restrictionsAndConditions: null,
      hasGuidance: false,
      isCleansed: true,
      donorSignatureDate: '2012-12-12',
      registrationDate: '2020-05-14',
      receiptDate: '2014-09-26',
      updatedAt: null,
      donor: {
        uid: '7000-0000-0799',
        salutation: 'Mr',
        firstNames: 'Rachel Emma',
        surname: 'Sanderson',
        otherNames: 'Rach',
        dateOfBirth: '1948-11-01',
        addresses: [{ addressLine1: '81 Front Street', addressLine2: 'LACEBY', addressLine3: null, postcode: 'DN37 5SH', country: null, countryCode: null }],
      },
      replacementAttorneys: [],
      replacementTrustCorporations: null,
    });
    expect(combined.attorneys.map((attorney) => attorney.uid)).toEqual(['7000-0000-0849']);
    expect(combined.certificateProviders).toMatchObject([{ uid: '7000-0000-0831', surname: 'Hart', otherNames: 'Dani', dateOfBirth: null }]);
  });

  it.each(fixtures.map((lpa) => [lpa.uId as string, lpa] as const))('%s: acting attorneys are those with systemStatus !== false, status as v2 names it', (_uid, document) => {
    const lpa = siriusLpa(document);
    const combined = fromSirius(lpa);
    expect(combined.attorneys.map((attorney) => attorney.uid)).toEqual((lpa.attorneys ?? []).filter((a) => a.systemStatus !== false).map((a) => a.uId));
    expect(combined.status).toBe(({ Registered: 'REGISTERED', Cancelled: 'CANCELLED', Pending: 'PENDING' } as Record<string, string>)[lpa.status]);
    expect(combined.registrationDate).toBe(lpa.registrationDate);
  });

  it("replacement attorneys are Sirius's list; trust corporations removed from the LPA are not listed", () => {
    const [removed, active] = sample!.attorneys as JsonObject[];
    const corporation = { ...active!, uId: '7000-0000-0096', companyName: 'Trust Us Ltd', firstname: '', surname: '' };
    const combined = fromSirius(
      siriusLpa({
        ...sample,
        replacementAttorneys: [{ ...active!, uId: '7000-0000-0997', firstname: 'Rhiannon', surname: 'Reserve' }],
        trustCorporations: [corporation, { ...corporation, uId: '7000-0000-0104', companyName: 'Gone Ltd', systemStatus: false }],
      }),
    );
    expect(combined.replacementAttorneys.map((person) => person.firstNames)).toEqual(['Rhiannon']);
    expect(combined.trustCorporations).toMatchObject([{ uid: '7000-0000-0096', name: 'Trust Us Ltd', companyNumber: null }]);
    expect(removed!.systemStatus).toBe(false);
  });

  it('a status Sirius added later is UNRECOGNISED; uids written without dashes are answered dashed', () => {
    const combined = fromSirius(siriusLpa({ ...sample, status: 'Archived', uId: '700000000047' }));
    expect(combined.status).toBe('UNRECOGNISED');
    expect(combined.uid).toBe('7000-0000-0047');
  });
});
