import type { SiriusLoaders } from '../sirius/loaders';

/** What every resolver gets: built fresh for each HTTP request, never shared between callers. */
export interface GatewayContext {
  requestId: string;
  loaders: SiriusLoaders;
}
