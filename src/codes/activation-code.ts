import { randomInt } from 'node:crypto';

// An activation code as printed on OPG's letters: 12 characters from an alphabet without the
// look-alikes (0/O, 1/I/L), drawn with a CSPRNG (randomInt is unbiased). 31^12 ≈ 2^59 codes.

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 12;

export function generateActivationCode(): string {
  let code = '';
  for (let index = 0; index < CODE_LENGTH; index++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * What a person typed, as a code: case, spaces and hyphens ignored (letters print it as
 * `ABCD-EFGH-JKMN`). Null when it cannot be a code at all.
 */
export function normaliseActivationCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const character of code) if (!CODE_ALPHABET.includes(character)) return null;
  return code;
}
