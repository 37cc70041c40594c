import { describe, expect, it } from 'vitest';
import { formatLpaUid, parseLpaUid, parseOnlineLpaId } from '../../src/sirius/lpa-reference';
import { isoDate, statusConstant, text } from '../../src/sirius/lpa-vocabulary';

describe('Sirius vocabulary', () => {
  it.each([
    ['Registered', 'REGISTERED'],
    ['With COP', 'WITH_COP'],
    ['Return - unpaid', 'RETURN_UNPAID'],
    ['Payment Pending', 'PAYMENT_PENDING'],
    ['registered', 'REGISTERED'],
    ['  Cancelled ', 'CANCELLED'],
    ['Archived', 'UNRECOGNISED'],
  ])('status %j → %s', (sirius, constant) => {
    expect(statusConstant(sirius)).toBe(constant);
  });

  it.each([
    ['2020-05-14', '2020-05-14'],
    ['2020-05-14T10:00:00+00:00', '2020-05-14'],
    ['2020-02-30', null],
    ['0000-00-00', null],
    ['14/05/2020', null],
    ['', null],
    [null, null],
  ])('isoDate(%j) → %j', (input, expected) => {
    expect(isoDate(input)).toBe(expected);
  });

  it('treats blank and padded text as Sirius means it', () => {
    expect(text('')).toBeNull();
    expect(text('   ')).toBeNull();
    expect(text(null)).toBeNull();
    expect(text('Hart ')).toBe('Hart');
  });
});

describe('LPA references', () => {
  it('accepts exactly the two uid forms', () => {
    expect(parseLpaUid('7000-0000-0047')).toBe('700000000047');
    expect(parseLpaUid('700000000047')).toBe('700000000047');
    for (const bad of ['7000-00000047', '70000000-0047', '600000000047', '7000000000470', ' 700000000047']) {
      expect(parseLpaUid(bad)).toBeNull();
    }
    expect(formatLpaUid('700000000047')).toBe('7000-0000-0047');
  });

  it('accepts online tool references as A and 11 digits', () => {
    expect(parseOnlineLpaId('A33718377316')).toBe('A33718377316');
    for (const bad of ['a33718377316', 'A3371837731', 'A337183773160', 'B33718377316']) {
      expect(parseOnlineLpaId(bad)).toBeNull();
    }
  });
});
