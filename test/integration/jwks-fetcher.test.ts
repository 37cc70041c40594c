import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwksFetcher } from '../../src/auth/jwks-fetcher';

// The JWKS fetcher against a real loopback server: the body's bytes, refusals of what is not a
// JWKS answer, and no request at all to a plain-HTTP address that is not loopback.

const JWKS = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB' }] });
let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.accept}`);
    if (req.url === '/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JWKS);
    else if (req.url === '/moved') res.writeHead(302, { location: '/jwks.json' }).end();
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('jwksFetcher', () => {
  it('answers the body as its bytes, asking for JSON', async () => {
    const body = await jwksFetcher.fetch(`${base}/jwks.json`);
    expect(new TextDecoder().decode(body)).toBe(JWKS);
    expect(seen).toContain('/jwks.json application/json');
  });

  it('refuses an answer that is not 2xx, and follows no redirect', async () => {
    await expect(jwksFetcher.fetch(`${base}/missing`)).rejects.toThrow('JWKS fetch answered HTTP 404');
    await expect(jwksFetcher.fetch(`${base}/moved`)).rejects.toThrow('JWKS fetch answered HTTP 302');
  });

  it('refuses plain HTTP to anything but loopback, before connecting', async () => {
    await expect(jwksFetcher.fetch('http://issuer.example.com/jwks.json')).rejects.toThrow('JWKS must be fetched over HTTPS: http://issuer.example.com');
  });

  it('rejects when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(jwksFetcher.fetch(`http://127.0.0.1:${port}/jwks.json`)).rejects.toThrow();
  });
});
