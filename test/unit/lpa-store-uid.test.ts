import { describe, expect, it } from 'vitest';
import { lpaStoreUidFromDigits, parseLpaStoreUid } from '../../src/lpa-store/lpa-store-uid';

// Real uids: the store's OpenAPI example, and those opg-data-lpa-uid's own tests expect
// (lambda/create-case/uid_test.go: formatUID(1), formatUID(2), formatUID(572), formatUID(12345678901),
// and the uid its checksum test accepts).
const REAL = ['M-7890-0400-4000', 'M-0000-0000-0646', 'M-0000-0000-1170', 'M-0000-0030-3274', 'M-5432-0981-7705', 'M-1234-5678-9018'];

describe('LPA Store uids', () => {
  it.each(REAL)('%s is valid, dashed or not, and answered dashed', (uid) => {
    expect(parseLpaStoreUid(uid)).toBe(uid);
    expect(parseLpaStoreUid(uid.replaceAll('-', ''))).toBe(uid);
  });

  it.each([
    // The example in the lpa-updated event, the activation-key-requested event and the codes
    // service's OpenAPI: the right shape, but its check digit is wrong (…9018 is the valid one).
    'M-1234-5678-9012',
    // Each real uid with its check digit changed.
    ...REAL.map((uid) => uid.slice(0, -1) + String((Number(uid.at(-1)) + 1) % 10)),
    // Two adjacent digits swapped: Damm catches every such swap.
    'M-8790-0400-4000',
    'M-7890-0400-0400',
  ])('%s has a wrong check digit', (uid) => {
    expect(parseLpaStoreUid(uid)).toBeNull();
  });

  it.each([
    'm-7890-0400-4000',
    'M-7890-04004000',
    'M-7890-0400-400',
    'M-7890-0400-40000',
    ' M-7890-0400-4000',
    'M 7890 0400 4000',
    'M-789Q-P4DF-4UX3',
    '7000-0000-0047',
    '',
  ])('%j is not an LPA Store uid', (input) => {
    expect(parseLpaStoreUid(input)).toBeNull();
  });

  it('makes a valid uid from 11 digits, as opg-data-lpa-uid does', () => {
    expect(lpaStoreUidFromDigits('78900400400')).toBe('M-7890-0400-4000');
    expect(lpaStoreUidFromDigits('00000000064')).toBe('M-0000-0000-0646');
    expect(lpaStoreUidFromDigits('54320981770')).toBe('M-5432-0981-7705');
    for (const digits of ['12345678901', '99999999999', '00000000000', '31415926535']) {
      expect(parseLpaStoreUid(lpaStoreUidFromDigits(digits))).toBe(lpaStoreUidFromDigits(digits));
    }
    expect(() => lpaStoreUidFromDigits('1234')).toThrow();
    expect(() => lpaStoreUidFromDigits('1234567890a')).toThrow();
  });
});
