import type { DevIdentity } from '../auth/identity';
import type { GatewayConfig } from '../config/config';
import type { Logger } from '../logger';
import { DEV_CALLERS } from './dev-callers';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_SCOPE_PREFIX, startDevIssuer, type DevIssuer } from './dev-issuer';
import { startSiriusSimulator } from './sirius-simulator';

/** What the gateway starts for itself when no real Sirius is configured. */
export interface EmbeddedStack {
  siriusUrl: string;
  issuer: DevIssuer;
  identity: DevIdentity & { sandboxToken: string };
  close(): Promise<void>;
}

export async function startEmbeddedStack(config: GatewayConfig, logger: Logger): Promise<EmbeddedStack> {
  const simulator = await startSiriusSimulator({ port: config.simulator.port, fixtures: config.simulator.fixtures });
  logger.info({ url: simulator.url }, 'embedded Sirius simulator listening (PUT /__faults, GET /__calls)');
  const issuer = await startDevIssuer({ port: config.auth.devIssuerPort });
  logger.info({ url: issuer.url }, 'embedded dev token issuer listening (npm run -s token -- <caller>)');
  const explorer = DEV_CALLERS.callers.find((caller) => caller.name === 'explorer')!;
  return {
    siriusUrl: simulator.url,
    issuer,
    identity: {
      issuer: { kind: 'oidc', issuer: DEV_ISSUER, jwksUri: issuer.jwksUri, audience: DEV_AUDIENCE, clientIdClaim: 'client_id' },
      scopePrefix: DEV_SCOPE_PREFIX,
      registry: DEV_CALLERS,
      // Sandbox is pre-filled with an explorer token good for a working day.
      sandboxToken: await issuer.issue({ clientId: explorer.clientIds[0]!, scopes: explorer.scopes, ttlSeconds: 12 * 3600 }),
    },
    close: async () => {
      await simulator.close();
      await issuer.close();
    },
  };
}
