import type { Caller } from '../auth/caller';
import type { ActivationCodes } from '../codes/activation-codes';
import type { IdempotencyStore } from '../mutations/idempotency-store';
import type { LpaLoaders } from '../loaders/lpa-loaders';

/** What every resolver gets: built fresh for each HTTP request, never shared between callers. */
export interface GatewayContext {
  requestId: string;
  /** The authenticated service making this request. */
  caller: Caller;
  /** True on the embedded default: introspection and suggestions for everyone. */
  explorable: boolean;
  loaders: LpaLoaders;
  /** The activation codes the gateway owns (shared: its state is in DynamoDB). */
  codes: ActivationCodes;
  mutations: { idempotency: IdempotencyStore };
  /** Sirius's writes, for this request (its id goes with them). */
  siriusLetters: { request(caseUid: string, actorUid: string): Promise<'queued' | 'not-found'> };
  /** An LPA Store LPA's letter: announced as an event (Use an LPA's way), rate limited as Sirius's. */
  lpaStoreLetters: { request(uid: string, actorUid: string): Promise<'queued' | 'not-found'> };
  /** The request's `Idempotency-Key` header, if any. */
  idempotencyKey: string | undefined;
}
