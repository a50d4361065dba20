import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES } from '../../src/adapters/http/body-limits.js';
import { startHttpServer } from '../../src/adapters/http/http-server.js';
import { createLoggedSystem } from '../support/logged-system.js';

// Issue #6 item 3: a 150 MB JSON body was parsed and answered 200; a 30 MB password reached the staff login.
describe('body and header size limits on a real socket', () => {
  let system: Awaited<ReturnType<typeof createLoggedSystem>>;
  let server: ServerType;
  let port: number;
  beforeAll(async () => {
    system = await createLoggedSystem('pglite');
    port = await new Promise<number>((resolve) => {
      server = startHttpServer(system.app, { port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await system?.dispose();
  });

  /** Streams up to `total` bytes of a JSON string (chunked, no Content-Length) and stops once the answer arrives. */
  function streamBody(path: string, total: number): Promise<{ status: number; body: any; sent: number }> {
    return new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        answered = true;
        let text = '';
        res.on('data', (d) => (text += String(d)));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), sent }));
      });
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const chunk = Buffer.alloc(64 * 1024, 'a');
      req.write('{"loginId":"x","totp":"1","password":"');
      const pump = () => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end('"}');
      };
      pump();
    });
  }

  it('answers a 150 MB password to the staff login 413 PAYLOAD_TOO_LARGE without reading it', async () => {
    const rssBefore = process.memoryUsage().rss;
    const res = await streamBody('/api/v1/staff/session', 150 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    // The answer came long before the client could send it all, and nothing near its size was held.
    expect(res.sent).toBeLessThan(32 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('answers a declared Content-Length over the limit 413 at once', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/residents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(200_000) }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers request headers over the limit 431 HEADERS_TOO_LARGE in JSON', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /api/v1/municipalities HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES + 10)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d) => (text += String(d)));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toMatch(/content-type: application\/json/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body.error.code).toBe('HEADERS_TOO_LARGE');
    expect(body.error.messages.en).toContain('too large');
  });

  it('still serves normal requests', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    expect(system.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
