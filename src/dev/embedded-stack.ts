import type { GatewayConfig } from '../config/config';
import type { Logger } from '../logger';
import { startSiriusSimulator } from './sirius-simulator';

/** What the gateway starts for itself when no real Sirius is configured. */
export interface EmbeddedStack {
  siriusUrl: string;
  close(): Promise<void>;
}

export async function startEmbeddedStack(config: GatewayConfig, logger: Logger): Promise<EmbeddedStack> {
  const simulator = await startSiriusSimulator({ port: config.simulator.port, fixtures: config.simulator.fixtures });
  logger.info({ url: simulator.url }, 'embedded Sirius simulator listening (PUT /__faults, GET /__calls)');
  return { siriusUrl: simulator.url, close: () => simulator.close() };
}
