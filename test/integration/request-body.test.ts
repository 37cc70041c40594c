import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from '../../src/server/request-body';

// The body reader on a real node:http server: whole bodies in any chunking, refusals over the limit
// with or without a declared length, and a client that goes away mid-body.

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Serves one request, handing its body's outcome back. */
async function serveOne(limit: number): Promise<{ port: number; outcome: Promise<string> }> {
  let settle!: (outcome: Promise<string>) => void;
  const outcome = new Promise<Promise<string>>((resolve) => (settle = resolve));
  server = createServer((req: IncomingMessage, res) => {
    const read = readBody(req, limit);
    settle(read);
    read.then(
      (body) => res.end(`${body.length}`),
      () => (res.headersSent || res.destroyed ? undefined : res.writeHead(413, { connection: 'close' }).end()),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, outcome: outcome.then((read) => read) };
}

function send(port: number, chunks: (string | Buffer)[], headers: Record<string, string> = {}, abortAfter?: number) {
  const req = request({ port, host: '127.0.0.1', method: 'POST', headers }, (res) => res.resume());
  req.on('error', () => undefined);
  chunks.forEach((chunk, index) => {
    req.write(chunk);
    if (index + 1 === abortAfter) setTimeout(() => req.destroy(), 20);
  });
  if (abortAfter === undefined) req.end();
}

describe('readBody', () => {
  it('reads a body sent in several chunks, multi-byte characters split across them', async () => {
    const { port, outcome } = await serveOne(1000);
    const text = 'é'.repeat(50) + '{"a":1}';
    const bytes = Buffer.from(text);
    send(port, [bytes.subarray(0, 5), bytes.subarray(5, 60), bytes.subarray(60)], { 'content-type': 'application/json' }); // 5 splits an é
    expect(await outcome).toBe(text);
  });

  it('reads an empty body', async () => {
    const { port, outcome } = await serveOne(10);
    send(port, []);
    expect(await outcome).toBe('');
  });

  it('refuses a declared length over the limit before reading', async () => {
    const { port, outcome } = await serveOne(10);
    send(port, ['x'.repeat(11)], { 'content-length': '11' });
    await expect(outcome).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const { port, outcome } = await serveOne(100);
    send(port, ['x'.repeat(60), 'x'.repeat(60), 'x'.repeat(60)]);
    await expect(outcome).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('rejects when the client goes away before the body ends', async () => {
    const { port, outcome } = await serveOne(1000);
    send(port, ['{"partial":'], {}, 1);
    await expect(outcome).rejects.toThrow();
  });
});
