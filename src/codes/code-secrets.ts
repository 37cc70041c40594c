import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretSource } from '../sirius/request-signer';

// The codes table never holds a code, or a date of birth, in clear. Both are stored as
// HMAC-SHA256 under a secret the table does not hold (a leaked table cannot be brute-forced
// offline: 2^59 codes is within reach for a plain hash). An idempotent create must return the
// same code on a retry, so that one result is kept encrypted (AES-256-GCM) for its 24 hours.
// Idempotency records are found and compared by keyed digests too: their input holds dates of
// birth, which an unkeyed hash would give away to anyone trying the 46,000 days since 1900.
// Every key is derived (HKDF, one info string each) from one secret: Secrets Manager in production.
// Each item holding a digest or a sealed result also holds `keyId`, a short name of the secret it
// was made under (an HMAC under a key of its own, so it tells nothing of the secret or the other
// keys), so that another secret can be introduced later beside this one: see code-store.ts.

/** The length of a key id: 8 base64url characters (48 bits), a name and not a secret. */
export const KEY_ID_LENGTH = 8;

export interface CodeSecrets {
  /** The current secret's id, stored beside every digest made under it. */
  keyId(): Promise<string>;
  codeHash(code: string): Promise<string>;
  dateOfBirthHash(lpaUid: string, actorUid: string, dateOfBirth: string): Promise<string>;
  /** A keyed digest of any text that may hold personal data (idempotency keys and input). */
  fingerprint(text: string): Promise<string>;
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

export function codeSecrets(secrets: SecretSource): CodeSecrets {
  let derived: { secret: string; keyId: string; hmacKey: Buffer; sealKey: Buffer; fingerprintKey: Buffer } | undefined;
  const keys = async () => {
    const secret = await secrets.current();
    if (derived?.secret !== secret) {
      const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'sirius-gateway-codes', info, 32));
      const keyId = createHmac('sha256', derive('key-id')).update('key-id').digest('base64url').slice(0, KEY_ID_LENGTH);
      derived = { secret, keyId, hmacKey: derive('hmac'), sealKey: derive('seal'), fingerprintKey: derive('fingerprint') };
    }
    return derived;
  };
  const hmac = async (value: string) => createHmac('sha256', (await keys()).hmacKey).update(value).digest('base64url');
  return {
    keyId: async () => (await keys()).keyId,
    codeHash: (code) => hmac(`code:${code}`),
    dateOfBirthHash: (lpaUid, actorUid, dateOfBirth) => hmac(`dob:${lpaUid}:${actorUid}:${dateOfBirth}`),
    fingerprint: async (text) => createHmac('sha256', (await keys()).fingerprintKey).update(text).digest('base64url'),
    async seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', (await keys()).sealKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    async open(sealed) {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', (await keys()).sealKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
