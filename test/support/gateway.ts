import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logger';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway';

// Integration tests run the real gateway, with its real embedded Sirius simulator, on free ports,
// and talk to both over HTTP.

export interface TestGateway extends RunningGateway {
  /** POST a GraphQL request to `/{path}` and return the status and parsed JSON body. */
  graphql(path: string, request: GraphQLRequest, headers?: Record<string, string>): Promise<JsonResponse>;
  post(path: string, body: string, headers?: Record<string, string>): Promise<JsonResponse>;
  /** How many API calls the simulator has served since it started. */
  siriusCalls(): Promise<number>;
  siriusCallLog(): Promise<{ total: number; byQuery: Record<string, number>; lastRequestId: string | null }>;
  setSiriusFaults(faults: { status?: number; latencyMs?: number }): Promise<void>;
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // Tests assert on shapes; the gateway's JSON is read as a loose record here.
  body: { data?: Record<string, any> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] } & Record<string, any>;
  text: string;
}

export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const config = loadConfig({ PORT: '0', SIRIUS_SIMULATOR_PORT: '0', LOG_LEVEL: 'silent', ...env });
  const gateway = await startGateway(config, createLogger(config.logLevel));

  async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {}, text };
  }

  async function siriusCallLog() {
    const response = await fetch(`${gateway.siriusUrl}/__calls`);
    return (await response.json()) as { total: number; byQuery: Record<string, number>; lastRequestId: string | null };
  }

  return {
    ...gateway,
    post,
    graphql: (path, request, headers) => post(path, JSON.stringify(request), headers),
    siriusCallLog,
    siriusCalls: async () => (await siriusCallLog()).total,
    async setSiriusFaults(faults) {
      const response = await fetch(`${gateway.siriusUrl}/__faults`, { method: 'PUT', body: JSON.stringify(faults) });
      if (!response.ok) throw new Error(`simulator refused faults: ${response.status}`);
    },
  };
}
