// A closed-loop HTTP/1.1 load generator: N keep-alive connections, one request in flight on each, for a fixed time.
// Why not autocannon (docs/decisions.md, "The bench's load generator"): on the bench's two cores the generator
// shares the CPU with the server and PostgreSQL, and autocannon spent about twice the CPU per request of this loop
// in the same run. Each response is matched to the very request it answers (one in flight per connection), so the
// accounting stays exact.
import net from 'node:net';

/** One request: what to send, and what to remember for judging its answer. */
export type PlannedRequest<T> = Readonly<{ method: 'GET' | 'POST'; path: string; headers: string; body?: string; tag: T }>;

/** What came back for one request. `body` is decoded only when `wantBody` asks for it (most answers need only a status). */
export type Answer = Readonly<{ status: number; body: string | null }>;

export type LoadLoopOptions<T> = Readonly<{
  host: string;
  port: number;
  connections: number;
  seconds: number;
  /** Gives up on an answer after this long: the connection is closed and counted as a timeout. */
  timeoutSeconds?: number;
  /**
   * Paced load: requests start on a fixed schedule, `rate` a second over all connections. A free connection takes the
   * next start time and waits for it; each latency counts from that scheduled time, so when answers come too slowly
   * for the schedule, the wait of the requests behind them counts too (no coordinated omission). Unset: each
   * connection sends its next request as soon as its answer is in (a closed loop).
   */
  rate?: number;
  next: () => PlannedRequest<T>;
  /** Whether the answer's body is needed to judge it (e.g. to read the error code of an unexpected status). */
  wantBody: (status: number, tag: T) => boolean;
  onAnswer: (answer: Answer, tag: T) => void;
}>;

export type LoadLoopResult = Readonly<{
  /** Answers received (each with its latency). */
  answered: number;
  /** Answers per second, per whole second of the run. */
  perSecond: readonly number[];
  /** Latencies in ms, sorted. */
  latenciesMs: Float64Array;
  statusCodes: Record<string, number>;
  /** Connections that failed or closed with a request in flight (reconnected). */
  socketErrors: number;
  timeouts: number;
}>;

const CRLF2 = Buffer.from('\r\n\r\n');

/** Headers of one answer, read from the bytes before the blank line. */
function readHead(head: string): { status: number; length: number | null; chunked: boolean; close: boolean } | null {
  // "HTTP/1.1 200 OK"
  if (!head.startsWith('HTTP/1.')) return null;
  const status = Number(head.slice(9, 12));
  if (!Number.isInteger(status)) return null;
  const lower = head.toLowerCase();
  const len = /\r\ncontent-length:[ \t]*(\d+)/.exec(lower);
  return {
    status,
    length: len ? Number(len[1]) : null,
    chunked: /\r\ntransfer-encoding:[ \t]*chunked/.test(lower),
    close: /\r\nconnection:[ \t]*close/.test(lower),
  };
}

/**
 * Where a chunked body ends in `buf` (from `start`), and the body's bytes; null while incomplete.
 * Chunk extensions and trailers are allowed and ignored.
 */
function readChunked(buf: Buffer, start: number): { end: number; body: Buffer } | null {
  // Throws on a malformed size line.
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = Number.parseInt(buf.toString('latin1', at, lineEnd).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new Error('bad chunk size');
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers, then an empty line.
      for (;;) {
        const trailerEnd = buf.indexOf('\r\n', at);
        if (trailerEnd < 0) return null;
        const empty = trailerEnd === at;
        at = trailerEnd + 2;
        if (empty) return { end: at, body: Buffer.concat(parts) };
      }
    }
    if (buf.length < at + size + 2) return null;
    parts.push(buf.subarray(at, at + size));
    at += size + 2;
  }
}

export function runLoadLoop<T>(options: LoadLoopOptions<T>): Promise<LoadLoopResult> {
  const timeoutMs = (options.timeoutSeconds ?? 10) * 1000;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const perSecond = new Array<number>(Math.ceil(options.seconds)).fill(0);
  let latencies = new Float64Array(1 << 16);
  let answered = 0;
  const statusCodes: Record<string, number> = {};
  let socketErrors = 0;
  let timeouts = 0;
  let open = 0;
  const hostHeader = `host: ${options.host}:${options.port}\r\n`;

  // `waiting`: a request was sent and its answer has not come (the tag itself may be null, e.g. status reads).
  type Conn = { socket: net.Socket; buf: Buffer | null; sentAt: number; tag: T | null; waiting: boolean; closed: boolean };
  const conns = new Set<Conn>();

  return new Promise((resolve) => {
    let finished = false;
    let reconnecting = 0;
    /** Done once the time is up and every connection has closed (none waits to reconnect). */
    const maybeFinish = () => {
      if (finished || open > 0 || reconnecting > 0 || performance.now() < deadline) return;
      finished = true;
      clearInterval(watchdog);
      const sorted = latencies.slice(0, answered).sort();
      resolve({ answered, perSecond, latenciesMs: sorted, statusCodes, socketErrors, timeouts });
    };
    const closeConn = (c: Conn) => {
      if (c.closed) return;
      c.closed = true;
      conns.delete(c);
      c.socket.destroy();
      open -= 1;
    };
    /** A closed connection is replaced while the run lasts (after a pause when it failed, so a refusing server is not hammered). */
    const replace = (pauseMs: number) => {
      if (performance.now() >= deadline) {
        maybeFinish();
        return;
      }
      reconnecting += 1;
      setTimeout(() => {
        reconnecting -= 1;
        if (performance.now() < deadline) connect();
        else maybeFinish();
      }, pauseMs);
    };
    let slots = 0;
    const send = (c: Conn) => {
      if (!options.rate) {
        fire(c, performance.now());
        return;
      }
      const due = started + (slots++ * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) setTimeout(() => fire(c, due), wait);
      else fire(c, due);
    };
    /** Sends the next request on `c`; its latency counts from `from` (now, or its scheduled time when paced). */
    const fire = (c: Conn, from: number) => {
      if (c.closed) return;
      const now = performance.now();
      if (now >= deadline) {
        closeConn(c);
        maybeFinish();
        return;
      }
      if (from >= deadline) {
        // A paced start due at or after the deadline (its timer, in whole milliseconds, may fire a little early): not
        // sent; the connection closes once the time is up.
        setTimeout(() => fire(c, from), deadline - now);
        return;
      }
      const r = options.next();
      const body = r.body ?? '';
      const head = `${r.method} ${r.path} HTTP/1.1\r\n${hostHeader}${r.headers}${r.body === undefined ? '' : `content-length: ${Buffer.byteLength(body)}\r\n`}\r\n`;
      c.tag = r.tag;
      c.waiting = true;
      c.sentAt = from;
      c.socket.write(head + body, 'utf8');
    };
    const connect = () => {
      const socket = net.connect(options.port, options.host);
      socket.setNoDelay(true);
      const c: Conn = { socket, buf: null, sentAt: 0, tag: null, waiting: false, closed: false };
      conns.add(c);
      open += 1;
      socket.on('connect', () => send(c));
      socket.on('data', (chunk: Buffer) => {
        c.buf = c.buf ? Buffer.concat([c.buf, chunk]) : chunk;
        onData(c);
      });
      // A socket error always counts; a close counts when a request was waiting for its answer.
      const lost = (failed: boolean) => {
        if (c.closed) return;
        const counted = failed || c.waiting;
        closeConn(c);
        if (counted) socketErrors += 1;
        replace(counted ? 100 : 0);
      };
      socket.on('error', () => lost(true));
      socket.on('close', () => lost(false));
    };
    const onData = (c: Conn) => {
      const buf = c.buf!;
      const headEnd = buf.indexOf(CRLF2);
      if (headEnd < 0) return;
      const head = readHead(buf.toString('latin1', 0, headEnd));
      let chunked: { end: number; body: Buffer } | null = null;
      let unreadable = !head;
      if (head?.chunked) {
        try {
          chunked = readChunked(buf, headEnd + 4);
        } catch {
          unreadable = true;
        }
      }
      if (!head || unreadable || !c.waiting) {
        // Not an HTTP/1.1 answer we can read, or an answer to no request: the connection is dropped and counted,
        // never guessed at.
        socketErrors += 1;
        closeConn(c);
        replace(100);
        return;
      }
      let end: number;
      let bodyBytes: Buffer;
      if (head.chunked) {
        if (!chunked) return;
        end = chunked.end;
        bodyBytes = chunked.body;
      } else {
        const length = head.length ?? 0;
        end = headEnd + 4 + length;
        if (buf.length < end) return;
        bodyBytes = buf.subarray(headEnd + 4, end);
      }
      const now = performance.now();
      const tag = c.tag as T;
      c.tag = null;
      c.waiting = false;
      c.buf = buf.length > end ? buf.subarray(end) : null;
      if (answered === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[answered] = now - c.sentAt;
      answered += 1;
      const second = Math.floor((now - started) / 1000);
      if (second < perSecond.length) perSecond[second]! += 1;
      statusCodes[head.status] = (statusCodes[head.status] ?? 0) + 1;
      options.onAnswer({ status: head.status, body: options.wantBody(head.status, tag) ? bodyBytes.toString('utf8') : null }, tag);
      if (head.close) {
        closeConn(c);
        replace(0);
        return;
      }
      send(c);
    };
    // One timer for all connections: an answer that does not come within the timeout closes its connection.
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const c of [...conns]) {
        if (c.waiting && now - c.sentAt > timeoutMs) {
          timeouts += 1;
          c.waiting = false;
          closeConn(c);
          replace(0);
        }
      }
    }, 250);
    for (let i = 0; i < options.connections; i += 1) connect();
  });
}
