import { generateActivationCode, normaliseActivationCode } from './activation-code';
import type { AttemptLock } from './attempt-lock';
import type { CodeSecrets } from './code-secrets';
import type { CodeRecord, CodeStore } from './code-store';
import type { ShardedRateLimit } from './sharded-rate-limit';

// The activation codes service OPG ran beside Sirius (opg-data-lpa-codes), owned by the gateway:
// case management creates and revokes codes; Use an LPA validates them and marks them used.
// A failed check never says which detail was wrong: an unknown code, another LPA and a wrong date
// of birth are one answer, reached by the same reads and writes. Only when code, LPA and date of
// birth all match does the answer say the code is expired, used or revoked.

export interface CodePolicy {
  validDays: number;
  /** Failed checks of one code that lock it, for `lockSeconds` after the last one. */
  lockAfterFailures: number;
  lockSeconds: number;
  perCallerPerMinute: number;
  perCodePerMinute: number;
}

export interface CodeRequest {
  lpaUid: string;
  actorUid: string;
  dateOfBirth: string;
}

export interface CreatedCode {
  lpaUid: string;
  actorUid: string;
  /** In clear only here, once, for the letter. */
  code: string;
  createdAt: number;
  validUntil: number;
}

export type CodeCheck =
  | { outcome: 'valid'; actorUid: string }
  | { outcome: 'no-match' | 'expired' | 'used' | 'revoked' }
  | { outcome: 'too-many-attempts'; retryAfterSeconds: number };

/** An answer that may be different a little later: never kept as an idempotent result. */
export const isTransientCheck = (check: CodeCheck): boolean => check.outcome === 'too-many-attempts';

export interface CodeStatusView {
  status: 'active' | 'used' | 'revoked' | 'expired';
  createdAt: number;
  validUntil: number;
  usedAt: number | undefined;
  revokedAt: number | undefined;
}

export interface RevocationOutcome {
  revoked: boolean;
}

export type CodeOutcomeCounter = (operation: string, outcome: string) => void;

const MAX_COLLISION_RETRIES = 3;

export class ActivationCodes {
  constructor(
    private readonly store: CodeStore,
    private readonly attempts: AttemptLock,
    private readonly callers: ShardedRateLimit,
    private readonly secrets: CodeSecrets,
    private readonly policy: CodePolicy,
    private readonly counted: CodeOutcomeCounter = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new code for each actor; each actor's previous code for that LPA is revoked. */
  async create(requests: readonly CodeRequest[]): Promise<CreatedCode[]> {
    const created: CreatedCode[] = [];
    for (const request of requests) created.push(await this.createOne(request));
    return created;
  }

  private async createOne({ lpaUid, actorUid, dateOfBirth }: CodeRequest): Promise<CreatedCode> {
    const createdAt = this.now();
    const validUntil = createdAt + this.policy.validDays * 24 * 3600 * 1000;
    const keyId = await this.secrets.keyId();
    const dateOfBirthHash = await this.secrets.dateOfBirthHash(lpaUid, actorUid, dateOfBirth);
    for (let attempt = 0; attempt < MAX_COLLISION_RETRIES; attempt++) {
      const code = generateActivationCode();
      const codeHash = await this.secrets.codeHash(code);
      const record = { codeHash, lpaUid, actorUid, dateOfBirthHash, status: 'active', createdAt, validUntil, keyId } satisfies CodeRecord;
      if (!(await this.store.putCode(record))) continue;
      const previous = await this.store.setCurrent(lpaUid, actorUid, codeHash, validUntil, keyId);
      if (previous && previous !== codeHash) await this.store.leaveActive(previous, 'revoked', createdAt);
      this.counted('create', 'created');
      return { lpaUid, actorUid, code, createdAt, validUntil };
    }
    throw new Error('could not draw an unused activation code'); // 2^59 codes: never in practice
  }

  async revoke(lpaUid: string, actorUid: string): Promise<boolean> {
    const current = await this.store.getCurrent(lpaUid, actorUid);
    const revoked = current !== undefined && (await this.store.leaveActive(current, 'revoked', this.now()));
    this.counted('revoke', revoked ? 'revoked' : 'nothing-to-revoke');
    return revoked;
  }

  async status(lpaUid: string, actorUid: string): Promise<CodeStatusView | undefined> {
    const current = await this.store.getCurrent(lpaUid, actorUid);
    const record = current ? await this.store.getCode(current) : undefined;
    if (!record) return undefined;
    const expired = record.status === 'active' && record.validUntil <= this.now();
    return { status: expired ? 'expired' : record.status, createdAt: record.createdAt, validUntil: record.validUntil, usedAt: record.usedAt, revokedAt: record.revokedAt };
  }

  async validate(input: string, lpaUid: string, dateOfBirth: string, caller: string): Promise<CodeCheck> {
    const { check } = await this.check(input, lpaUid, dateOfBirth, caller);
    this.counted('validate', check.outcome);
    return check;
  }

  /**
   * Uses the code: of any number of concurrent calls for one code, exactly one succeeds. `usedBy`,
   * a digest of the request's idempotency key, is recorded with the use, so that a retry of the
   * successful request (whose kept answer was lost) is told it succeeded rather than `USED`.
   */
  async markUsed(input: string, lpaUid: string, dateOfBirth: string, caller: string, usedBy?: string): Promise<CodeCheck> {
    const { check, record } = await this.check(input, lpaUid, dateOfBirth, caller);
    let result = check;
    if (record && check.outcome === 'used' && usedBy !== undefined && record.usedBy === usedBy) {
      result = { outcome: 'valid', actorUid: record.actorUid };
    } else if (check.outcome === 'valid' && record && !(await this.store.leaveActive(record.codeHash, 'used', this.now(), usedBy))) {
      const now = await this.store.getCode(record.codeHash);
      result =
        now?.status === 'used' && usedBy !== undefined && now.usedBy === usedBy
          ? check
          : { outcome: now?.status === 'used' ? 'used' : now?.status === 'revoked' ? 'revoked' : 'expired' };
    }
    this.counted('mark-used', result.outcome);
    return result;
  }

  private async check(input: string, lpaUid: string, dateOfBirth: string, caller: string): Promise<{ check: CodeCheck; record?: CodeRecord }> {
    const now = this.now();
    const minute = Math.floor(now / 60_000);
    const nextMinute = Math.ceil((minute + 1) * 60 - now / 1000);
    if (!(await this.callers.allows(`rate#caller#${caller}`, minute, this.policy.perCallerPerMinute, 120, now))) {
      return { check: { outcome: 'too-many-attempts', retryAfterSeconds: nextMinute } };
    }
    const code = normaliseActivationCode(input);
    // Something that cannot be a code is checked as a code that does not exist: the same answer,
    // the same reads and writes (its hash is never a stored code's).
    const codeHash = await this.secrets.codeHash(code ?? input.slice(0, 64));
    if ((await this.store.count(`rate#code#${codeHash}#${minute}`, 120, now)) > this.policy.perCodePerMinute) {
      return { check: { outcome: 'too-many-attempts', retryAfterSeconds: nextMinute } };
    }
    // At most lockAfterFailures guesses at a code are ever evaluated: see attempt-lock.ts.
    const guess = await this.attempts.guess(codeHash, async () => {
      const found = await this.store.getCode(codeHash);
      const dateOfBirthHash = await this.secrets.dateOfBirthHash(lpaUid, found?.actorUid ?? '-', dateOfBirth);
      // An item without a keyId predates key ids: it was written under the current (only) key.
      const ourKey = found?.keyId === undefined || found.keyId === (await this.secrets.keyId());
      return found && ourKey && found.lpaUid === lpaUid && found.dateOfBirthHash === dateOfBirthHash ? found : undefined;
    });
    if (guess.kind === 'locked') return { check: { outcome: 'too-many-attempts', retryAfterSeconds: guess.retryAfterSeconds } };
    if (guess.kind === 'no-match') return { check: { outcome: 'no-match' } };
    const record = guess.value;
    if (record.status !== 'active') return { check: { outcome: record.status }, record };
    if (record.validUntil <= now) return { check: { outcome: 'expired' }, record };
    // A code replaced by a newer one (and not yet marked revoked, after a crash) is revoked.
    if ((await this.store.getCurrent(record.lpaUid, record.actorUid)) !== codeHash) return { check: { outcome: 'revoked' }, record };
    return { check: { outcome: 'valid', actorUid: record.actorUid }, record };
  }
}
