import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, generateActivationCode, normaliseActivationCode } from '../../src/codes/activation-code';
import { canonicalJson } from '../../src/mutations/idempotency-store';

describe('activation codes', () => {
  it('are 12 characters, never a look-alike, and spread over the whole alphabet', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 2000; index++) {
      const code = generateActivationCode();
      expect(code).toMatch(/^[A-Z2-9]{12}$/);
      expect(code).not.toMatch(/[01ILO]/);
      for (const character of code) seen.add(character);
    }
    expect([...seen].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
  });

  it('are read as typed: case, spaces and hyphens ignored; anything else is not a code', () => {
    expect(normaliseActivationCode('abcd-efgh-jkmn')).toBe('ABCDEFGHJKMN');
    expect(normaliseActivationCode(' ABCD EFGH JKMN ')).toBe('ABCDEFGHJKMN');
    expect(normaliseActivationCode('ABCDEFGHJKM0')).toBeNull(); // 0 is not in the alphabet
    expect(normaliseActivationCode('ABCDEFGHJKM')).toBeNull();
  });
});

describe('idempotency fingerprints', () => {
  it('are the same for the same input whatever the key order, and differ for different input', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 'x', x: null }] })).toBe(canonicalJson({ a: [{ x: null, y: 'x' }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });
});
