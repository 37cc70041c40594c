import type { Caller } from '../auth/caller';
import type { SiriusLoaders } from '../sirius/loaders';

/** What every resolver gets: built fresh for each HTTP request, never shared between callers. */
export interface GatewayContext {
  requestId: string;
  /** The authenticated service making this request. */
  caller: Caller;
  /** True on the embedded default: introspection and suggestions for everyone. */
  explorable: boolean;
  loaders: SiriusLoaders;
}
