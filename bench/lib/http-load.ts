// The two HTTP scenarios against the child server, with exact accounting of every response. The load comes from
// keep-alive-load.ts (the default) or, with BENCH_LOAD=autocannon, from autocannon, to compare the two generators'
// CPU per request in one run (docs/decisions.md, "The bench's load generator").
import autocannon from 'autocannon';
import { runLoadLoop, type LoadLoopResult } from './keep-alive-load.js';
import type { BenchCard } from './seed.js';
import { BENCH_PINS, WRONG_AUTH_PIN } from './seed.js';

export type LoadOptions = Readonly<{
  baseUrl: string;
  connections: number;
  seconds: number;
  /** How many cards, and card n (0-based) of them. */
  cardCount: number;
  card: (index: number) => BenchCard;
  /** Which generator sends the requests. */
  generator?: LoadGenerator;
  /** Paced at this many requests a second over all connections (keep-alive loop only); unset: a closed loop. */
  rate?: number;
}>;

export type LoadGenerator = 'keep-alive-loop' | 'autocannon';
export const loadGeneratorOf = (env: string | undefined): LoadGenerator => {
  if (env === undefined || env === '' || env === 'loop') return 'keep-alive-loop';
  if (env === 'autocannon') return 'autocannon';
  throw new Error(`BENCH_LOAD must be "loop" or "autocannon", not ${JSON.stringify(env)}`);
};

/**
 * Recorded with every attempt, as a relying service would send them. Each card enters its PINs from its own device
 * (terminal `device-<card>`), as a population of residents does: one terminal for every card would be one source
 * failing on thousands of cards, which the risk rules rightly block as a spray (DOMAIN.md §3, issue #13).
 */
const CONTEXT_HEADERS = { 'x-kagiya-channel': 'pc', 'x-kagiya-service': 'bench' } as const;
const terminalOf = (cardIndex: number) => `device-${cardIndex}`;

/**
 * The i-th request's card: i times a large prime modulo the card count, so consecutive requests land on cards
 * scattered over the table (a real population, not a scan in insertion order), and each round of N requests
 * touches every card exactly once.
 */
export function cardIndexOf(i: number, n: number): number {
  // 1,000,003 is prime: a bijection on 0..n-1 unless n is a multiple of it.
  if (n % 1_000_003 === 0) return i % n;
  return Number((BigInt(i % n) * 1_000_003n) % BigInt(n));
}

export type Tally = {
  /** 2xx answers that were expected (status: every 200; verify: 200 for a right PIN). */
  ok: number;
  /** 401 PIN_INCORRECT for a deliberately wrong PIN (verify only). */
  expectedIncorrect: number;
  /** Everything else, by "status code/error code", e.g. "423 PIN_LOCKED", "503 SERVICE_BUSY", "200 for wrong PIN". */
  unexpected: Record<string, number>;
};

export type ScenarioResult = Readonly<{
  name: string;
  seconds: number;
  connections: number;
  requestsTotal: number;
  requestsPerSecondAvg: number;
  requestsPerSecondStddev: number;
  latencyMs: Readonly<{ avg: number; p50: number; p90: number; p99: number; max: number }>;
  statusCodes: Record<string, number>;
  tally: Tally;
  socketErrors: number;
  timeouts: number;
  /** Unexpected answers + socket errors + timeouts. */
  errors: number;
  /** 401 PIN_INCORRECT answers that were expected (non-2xx but not errors). */
  expectedNon2xx: number;
}>;

const errorCodeOf = (body: string): string => {
  const match = /"code"\s*:\s*"([A-Z_]+)"/.exec(body);
  return match?.[1] ?? 'no-code';
};

function emptyTally(): Tally {
  return { ok: 0, expectedIncorrect: 0, unexpected: {} };
}

const bump = (t: Tally, key: string) => {
  t.unexpected[key] = (t.unexpected[key] ?? 0) + 1;
};

/**
 * Request i of the verify scenario goes to card i mod N in round r = floor(i / N), and carries the wrong PIN
 * when (card + r) mod 20 == 7: 5 % of requests overall, and any one card gets a wrong PIN once every 20 of its
 * own requests with right ones in between (which restore its counter), so no card can reach 3 wrong in a row.
 * (The plain "i mod 20 == 7" rule would send every wrong PIN to the same cards whenever N is a multiple of 20.)
 */
export function verifyPlan(i: number, n: number): { card: number; wrong: boolean } {
  const card = i % n;
  const round = Math.floor(i / n);
  return { card: cardIndexOf(card, n), wrong: (card + round) % 20 === 7 };
}

/** A right PIN must get 200, a wrong one 401 PIN_INCORRECT; anything else is counted by what it was. */
function judgeVerify(tally: Tally, status: number, body: string, isWrong: boolean) {
  if (!isWrong && status === 200) tally.ok++;
  else if (isWrong && status === 401 && errorCodeOf(body) === 'PIN_INCORRECT') tally.expectedIncorrect++;
  else if (isWrong && status === 200) bump(tally, '200 for a wrong PIN');
  else bump(tally, `${status} ${errorCodeOf(body)}${isWrong ? ' (wrong PIN)' : ' (right PIN)'}`);
}

async function fire(options: LoadOptions, request: autocannon.Request): Promise<autocannon.Result> {
  return autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    timeout: 10,
    requests: [request],
  });
}

function summarise(name: string, options: LoadOptions, result: autocannon.Result, tally: Tally): ScenarioResult {
  const unexpected = Object.values(tally.unexpected).reduce((a, b) => a + b, 0);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, (s as { count?: number }).count ?? 0]),
  );
  return {
    name,
    seconds: options.seconds,
    connections: options.connections,
    requestsTotal: result.requests.total,
    requestsPerSecondAvg: result.requests.average,
    requestsPerSecondStddev: result.requests.stddev,
    latencyMs: {
      avg: result.latency.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    statusCodes,
    tally,
    // autocannon counts a timeout as an error too.
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    errors: unexpected + result.errors,
    expectedNon2xx: tally.expectedIncorrect,
  };
}

const percentileOf = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

function summariseLoop(name: string, options: LoadOptions, result: LoadLoopResult, tally: Tally): ScenarioResult {
  const unexpected = Object.values(tally.unexpected).reduce((a, b) => a + b, 0);
  const counts = result.perSecond;
  const mean = counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
  const stddev = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, counts.length));
  const lat = result.latenciesMs;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    name,
    seconds: options.seconds,
    connections: options.connections,
    requestsTotal: result.answered,
    requestsPerSecondAvg: mean,
    requestsPerSecondStddev: stddev,
    latencyMs: {
      avg: round2(lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length)),
      p50: round2(percentileOf(lat, 50)),
      p90: round2(percentileOf(lat, 90)),
      p99: round2(percentileOf(lat, 99)),
      max: round2(lat.length ? lat[lat.length - 1]! : NaN),
    },
    statusCodes: result.statusCodes,
    tally,
    socketErrors: result.socketErrors,
    timeouts: result.timeouts,
    errors: unexpected + result.socketErrors + result.timeouts,
    expectedNon2xx: tally.expectedIncorrect,
  };
}

/** One request of a scenario, whichever generator sends it; `tag` is what its answer is judged by. */
type ScenarioRequest<T> = Readonly<{ method: 'GET' | 'POST'; path: string; headers: Readonly<Record<string, string>>; body?: string; tag: T }>;

/**
 * Sends a scenario's requests with the chosen generator and judges every answer against the request it answers:
 * `wantBody` says when an answer's body is needed to judge it (the keep-alive loop decodes no other).
 */
async function drive<T>(
  name: string,
  options: LoadOptions,
  tally: Tally,
  next: () => ScenarioRequest<T>,
  wantBody: (status: number, tag: T) => boolean,
  onAnswer: (status: number, body: string, tag: T) => void,
): Promise<ScenarioResult> {
  if (options.generator === 'autocannon') {
    if (options.rate) throw new Error('a paced phase needs the keep-alive loop (BENCH_LOAD=loop)');
    const request: autocannon.Request = {
      setupRequest: (req, context) => {
        const r = next();
        (context as { tag?: T }).tag = r.tag;
        return { ...req, method: r.method, path: r.path, headers: { ...r.headers }, ...(r.body === undefined ? {} : { body: r.body }) };
      },
      // With pipelining 1 the context still holds what setupRequest set for this very request.
      onResponse: (status, body, context) => onAnswer(status, body, (context as { tag: T }).tag),
    };
    return summarise(name, options, await fire(options, request), tally);
  }
  const url = new URL(options.baseUrl);
  const result = await runLoadLoop<T>({
    host: url.hostname,
    port: Number(url.port),
    connections: options.connections,
    seconds: options.seconds,
    timeoutSeconds: 10,
    ...(options.rate ? { rate: options.rate } : {}),
    next: () => {
      const r = next();
      return { ...r, headers: headerLines(r.headers) };
    },
    wantBody,
    onAnswer: (answer, tag) => onAnswer(answer.status, answer.body ?? '', tag),
  });
  return summariseLoop(name, options, result, tally);
}

/** Header lines ("name: value\r\n") as the keep-alive loop writes them. */
const headerLines = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');

/** GET /api/v1/cards/{id}/status with X-Card-Key, cards round-robin; anything but 200 is an error. */
export async function runStatus(options: LoadOptions): Promise<ScenarioResult> {
  const tally = emptyTally();
  let seq = 0;
  return drive<null>(
    'status',
    options,
    tally,
    () => {
      const card = options.card(cardIndexOf(seq++, options.cardCount));
      return { method: 'GET', path: `/api/v1/cards/${card.cardId}/status`, headers: { 'x-card-key': card.cardKey }, tag: null };
    },
    (status) => status !== 200,
    (status, body) => {
      if (status === 200) tally.ok++;
      else bump(tally, `${status} ${errorCodeOf(body)}`);
    },
  );
}

/**
 * POST /api/v1/cards/{id}/pins/auth/verify, 95 % right PIN and 5 % wrong (see verifyPlan). A right PIN must get
 * 200 and a wrong one 401 PIN_INCORRECT; anything else (423, 5xx, a wrong PIN accepted, …) is an error.
 */
export async function runVerify(options: LoadOptions, startAt = 0): Promise<ScenarioResult & { nextSeq: number }> {
  const tally = emptyTally();
  const right = JSON.stringify({ pin: BENCH_PINS.auth });
  const wrong = JSON.stringify({ pin: WRONG_AUTH_PIN });
  let seq = startAt;
  const result = await drive<boolean>(
    'verify',
    options,
    tally,
    () => {
      const plan = verifyPlan(seq++, options.cardCount);
      const card = options.card(plan.card);
      return {
        method: 'POST',
        path: `/api/v1/cards/${card.cardId}/pins/auth/verify`,
        headers: { 'x-card-key': card.cardKey, 'content-type': 'application/json', ...CONTEXT_HEADERS, 'x-kagiya-terminal': terminalOf(plan.card) },
        body: plan.wrong ? wrong : right,
        tag: plan.wrong,
      };
    },
    (status, isWrong) => status !== 200 || isWrong,
    (status, body, isWrong) => judgeVerify(tally, status, body, isWrong),
  );
  return { ...result, nextSeq: seq };
}
