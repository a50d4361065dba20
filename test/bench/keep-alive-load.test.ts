// The bench's load generator counts every answer against the request it answers: these tests would catch an answer
// credited to the wrong request, a lost or doubled answer, and a connection fault or timeout that goes uncounted.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadLoop, type PlannedRequest } from '../../bench/lib/keep-alive-load.js';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<number> {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return (server!.address() as AddressInfo).port;
}

/** Requests numbered 0, 1, 2, …: the tag is the number, sent in the path, a header and the body. */
function numbered(): () => PlannedRequest<number> {
  let n = 0;
  return () => {
    const i = n++;
    return { method: 'POST', path: `/echo/${i}`, headers: `x-n: ${i}\r\ncontent-type: application/json\r\n`, body: JSON.stringify({ n: i, pad: 'あ'.repeat(i % 7) }), tag: i };
  };
}

describe('keep-alive load loop', () => {
  it('matches every answer to its own request across connections answered out of order', async () => {
    const port = await listen((req, res, body) => {
      const n = Number(req.headers['x-n']);
      const parsed = JSON.parse(body) as { n: number; pad: string };
      // Varying delays make answers on different connections overtake one another.
      setTimeout(() => {
        const out = JSON.stringify({ n, fromBody: parsed.n, path: req.url, pad: parsed.pad });
        res.writeHead(n % 5 === 0 ? 401 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      }, n % 3);
    });
    const seen = new Map<number, number>();
    let mismatches = 0;
    const result = await runLoadLoop<number>({
      host: '127.0.0.1',
      port,
      connections: 8,
      seconds: 1,
      next: numbered(),
      wantBody: () => true,
      onAnswer: (answer, tag) => {
        const body = JSON.parse(answer.body!) as { n: number; fromBody: number; path: string; pad: string };
        if (body.n !== tag || body.fromBody !== tag || body.path !== `/echo/${tag}` || body.pad !== 'あ'.repeat(tag % 7)) mismatches++;
        if (answer.status !== (tag % 5 === 0 ? 401 : 200)) mismatches++;
        seen.set(tag, (seen.get(tag) ?? 0) + 1);
      },
    });
    expect(result.answered).toBeGreaterThan(100);
    expect(mismatches).toBe(0);
    expect(seen.size).toBe(result.answered);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(result.latenciesMs.length).toBe(result.answered);
    expect(result.perSecond.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(result.answered);
    expect((result.statusCodes['200'] ?? 0) + (result.statusCodes['401'] ?? 0)).toBe(result.answered);
    expect(result.socketErrors + result.timeouts).toBe(0);
    // Sorted ascending, as the percentiles need.
    for (let i = 1; i < result.latenciesMs.length; i++) expect(result.latenciesMs[i]!).toBeGreaterThanOrEqual(result.latenciesMs[i - 1]!);
  });

  it('reads chunked answers, and answers that close the connection, without counting them as faults', async () => {
    const port = await listen((req, res) => {
      const n = Number(req.headers['x-n']);
      if (n % 4 === 0) {
        // No content-length: Node sends the body chunked, here in three chunks.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(`chunk-${n}-`);
        res.write('あいう-');
        res.end('end');
      } else if (n % 4 === 1) {
        res.writeHead(200, { connection: 'close', 'content-length': String(`closed-${n}`.length) });
        res.end(`closed-${n}`);
      } else {
        res.end(`plain-${n}`);
      }
    });
    let wrong = 0;
    const result = await runLoadLoop<number>({
      host: '127.0.0.1',
      port,
      connections: 4,
      seconds: 1,
      next: numbered(),
      wantBody: () => true,
      onAnswer: ({ body }, n) => {
        const expected = n % 4 === 0 ? `chunk-${n}-あいう-end` : n % 4 === 1 ? `closed-${n}` : `plain-${n}`;
        if (body !== expected) wrong++;
      },
    });
    expect(result.answered).toBeGreaterThan(20);
    expect(wrong).toBe(0);
    expect(result.socketErrors + result.timeouts).toBe(0);
  });

  it.each([
    ['numbered', (n: number) => n],
    ['null (as status reads)', () => null],
  ])('counts a connection dropped mid-request and an answer that never comes, and goes on (tags %s)', async (_kind, tagOf) => {
    const port = await listen((req, res) => {
      const n = Number(req.headers['x-n']);
      if (n === 3) req.socket.destroy();
      else if (n === 5) return; // never answered
      else res.end('ok');
    });
    let ok = 0;
    const next = numbered();
    const result = await runLoadLoop<number | null>({
      host: '127.0.0.1',
      port,
      connections: 2,
      seconds: 1.5,
      timeoutSeconds: 0.5,
      next: () => {
        const r = next();
        return { ...r, tag: tagOf(r.tag) };
      },
      wantBody: () => true,
      onAnswer: ({ status, body }) => {
        if (status === 200 && body === 'ok') ok++;
      },
    });
    expect(result.socketErrors).toBe(1);
    expect(result.timeouts).toBe(1);
    expect(ok).toBe(result.answered);
    expect(result.answered).toBeGreaterThan(10);
  });

  it('does not decode bodies it is not asked for', async () => {
    const port = await listen((_req, res) => res.end('{"big":true}'));
    const bodies: Array<string | null> = [];
    const result = await runLoadLoop<number>({
      host: '127.0.0.1',
      port,
      connections: 1,
      seconds: 0.3,
      next: numbered(),
      wantBody: (_status, n) => n === 0,
      onAnswer: ({ body }) => bodies.push(body),
    });
    expect(result.answered).toBe(bodies.length);
    expect(bodies[0]).toBe('{"big":true}');
    expect(bodies.slice(1).every((b) => b === null)).toBe(true);
  });

  it('paced: sends on its schedule, not as fast as answers come', async () => {
    const port = await listen((_req, res) => res.end('ok'));
    const result = await runLoadLoop<number>({
      host: '127.0.0.1',
      port,
      connections: 8,
      seconds: 1,
      rate: 200,
      next: numbered(),
      wantBody: () => false,
      onAnswer: () => undefined,
    });
    // 200 start times fall within the second (those a busy machine fires only after the deadline are not sent); an
    // unpaced loop on 8 connections answers thousands.
    expect(result.answered).toBeGreaterThan(100);
    expect(result.answered).toBeLessThanOrEqual(200);
    expect(result.socketErrors + result.timeouts).toBe(0);
  });

  it('paced: a slow answer counts the wait it causes the requests scheduled behind it', async () => {
    const port = await listen((req, res) => {
      // Request 5 takes 300 ms; the one connection can send nothing else meanwhile.
      setTimeout(() => res.end('ok'), Number(req.headers['x-n']) === 5 ? 300 : 0);
    });
    const run = (rate?: number) =>
      runLoadLoop<number>({
        host: '127.0.0.1',
        port,
        connections: 1,
        seconds: 1,
        ...(rate ? { rate } : {}),
        next: numbered(),
        wantBody: () => false,
        onAnswer: () => undefined,
      });
    const slow = (latencies: Float64Array) => latencies.filter((ms) => ms > 100).length;
    const paced = await run(100);
    // Requests 6 onwards were due every 10 ms during the 300 ms stall: about 29 of them waited more than 100 ms in all
    // (their scheduled time to their answer). Timed from when they were finally sent, only request 5 would be slow.
    expect(slow(paced.latenciesMs)).toBeGreaterThanOrEqual(15);
    const closed = await run();
    // Request 5 itself, and at most a stall or two of a busy test machine.
    expect(slow(closed.latenciesMs)).toBeGreaterThanOrEqual(1);
    expect(slow(closed.latenciesMs)).toBeLessThanOrEqual(3);
  });
});
