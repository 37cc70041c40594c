import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applicationStage } from '../../src/consumers/lpa-online-tool/v1/mappers';
import { attorneyDecisions, firstNames, orderedAddresses } from '../../src/consumers/use-an-lpa/v1/mappers';
import type { SiriusLpa } from '../../src/sirius/sirius-lpa';

const [sample] = JSON.parse(readFileSync('fixtures/sirius/lpas.json', 'utf8')) as SiriusLpa[];
const lpa = (overrides: Partial<SiriusLpa>): SiriusLpa => ({ ...sample!, ...overrides });

describe('lpa-online-tool v1: the stage shown to applicants', () => {
  it.each([
    ['Pending', null, 'RECEIVED'],
    ['Payment Pending', null, 'RECEIVED'],
    ['Perfect', null, 'CHECKING'],
    ['Imperfect', null, 'CHECKING'],
    ['Registered', null, 'CHECKING'],
    ['Registered', '2020-06-01', 'PROCESSED'],
    ['Rejected', null, 'PROCESSED'],
    ['Cancelled', null, 'PROCESSED'],
    ['With COP', null, 'PROCESSED'],
  ])('%s with dispatch date %j → %s', (status, dispatchDate, stage) => {
    expect(applicationStage(lpa({ status, dispatchDate }))).toBe(stage);
  });
});

describe('use-an-lpa v1 mappers', () => {
  const flags = { caseAttorneySingular: false, caseAttorneyJointly: false, caseAttorneyJointlyAndSeverally: false, caseAttorneyJointlyAndJointlyAndSeverally: false };

  it('derives how attorneys decide from the one flag Sirius sets', () => {
    expect(attorneyDecisions(lpa({ ...flags, caseAttorneySingular: true }))).toBe('SINGULAR');
    expect(attorneyDecisions(lpa({ ...flags, caseAttorneyJointly: true }))).toBe('JOINTLY');
    expect(attorneyDecisions(lpa({ ...flags, caseAttorneyJointlyAndSeverally: true }))).toBe('JOINTLY_AND_SEVERALLY');
    expect(attorneyDecisions(lpa({ ...flags, caseAttorneyJointlyAndJointlyAndSeverally: true }))).toBe(
      'JOINTLY_FOR_SOME_JOINTLY_AND_SEVERALLY_FOR_OTHERS',
    );
    expect(attorneyDecisions(lpa(flags))).toBeNull();
  });

  it('joins first and middle names, ignoring blanks', () => {
    const donor = sample!.donor;
    expect(firstNames({ ...donor, firstname: 'Rachel', middlenames: 'Emma' })).toBe('Rachel Emma');
    expect(firstNames({ ...donor, firstname: 'Rachel', middlenames: '' })).toBe('Rachel');
    expect(firstNames({ ...donor, firstname: null, middlenames: null })).toBeNull();
  });

  it('puts the primary address first', () => {
    const [primary] = sample!.donor.addresses!;
    const other = { ...primary!, addressLine1: 'elsewhere', type: 'Correspondence' };
    expect(orderedAddresses({ ...sample!.donor, addresses: [other, primary!] }).map((a) => a.addressLine1)).toEqual([primary!.addressLine1, 'elsewhere']);
    expect(orderedAddresses({ ...sample!.donor, addresses: null })).toEqual([]);
  });
});
