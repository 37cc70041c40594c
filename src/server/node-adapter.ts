import type { IncomingMessage, RequestListener } from 'node:http';
import type { GatewayHandler } from './gateway-handler';
import type { GatewayRequest } from './gateway-request';
import { BodyTooLargeError, readBody } from './request-body';

/** The gateway on node:http. A body over the limit is not buffered: reading stops, the core answers
 *  413, and the connection closes after the answer. */
export function nodeRequestListener(handle: GatewayHandler, maxBodyBytes: number): RequestListener {
  return (req, res) => {
    toGatewayRequest(req, maxBodyBytes)
      .then(async (request) => {
        const response = await handle(request);
        const headers: Record<string, string | number> = { ...response.headers, 'content-length': Buffer.byteLength(response.body) };
        if (request.bodyTooLarge) {
          headers.connection = 'close';
          req.resume(); // discard the rest of the body
        }
        res.writeHead(response.status, headers);
        res.end(req.method === 'HEAD' ? undefined : response.body);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
  };
}

async function toGatewayRequest(req: IncomingMessage, maxBodyBytes: number): Promise<GatewayRequest> {
  const url = new URL(req.url ?? '/', 'http://gateway');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const request: GatewayRequest = { method: req.method ?? 'GET', path: url.pathname, search: url.search, headers, body: undefined };
  if (req.method === 'POST') {
    try {
      request.body = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      request.bodyTooLarge = true;
    }
  }
  return request;
}
