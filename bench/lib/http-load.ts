// The two autocannon scenarios against the child server, with exact accounting of every response.
import autocannon from 'autocannon';
import type { BenchCard } from './seed.js';
import { BENCH_PINS, WRONG_AUTH_PIN } from './seed.js';

export type LoadOptions = Readonly<{
  baseUrl: string;
  connections: number;
  seconds: number;
  /** How many cards, and card n (0-based) of them. */
  cardCount: number;
  card: (index: number) => BenchCard;
}>;

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

type Ctx = { wrong?: boolean };

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

/** GET /api/v1/cards/{id}/status with X-Card-Key, cards round-robin; anything but 200 is an error. */
export async function runStatus(options: LoadOptions): Promise<ScenarioResult> {
  const tally = emptyTally();
  let seq = 0;
  const request: autocannon.Request = {
    method: 'GET',
    setupRequest: (req) => {
      const card = options.card(cardIndexOf(seq++, options.cardCount));
      return { ...req, method: 'GET', path: `/api/v1/cards/${card.cardId}/status`, headers: { 'x-card-key': card.cardKey } };
    },
    onResponse: (status, body) => {
      if (status === 200) tally.ok++;
      else bump(tally, `${status} ${errorCodeOf(body)}`);
    },
  };
  const result = await fire(options, request);
  return summarise('status', options, result, tally);
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
  const request: autocannon.Request = {
    method: 'POST',
    setupRequest: (req, context) => {
      const plan = verifyPlan(seq++, options.cardCount);
      const card = options.card(plan.card);
      (context as Ctx).wrong = plan.wrong;
      return {
        ...req,
        method: 'POST',
        path: `/api/v1/cards/${card.cardId}/pins/auth/verify`,
        headers: { 'x-card-key': card.cardKey, 'content-type': 'application/json', ...CONTEXT_HEADERS, 'x-kagiya-terminal': terminalOf(plan.card) },
        body: plan.wrong ? wrong : right,
      };
    },
    onResponse: (status, body, context) => {
      // With pipelining 1 the context still holds what setupRequest set for this very request.
      const isWrong = (context as Ctx).wrong === true;
      if (!isWrong && status === 200) tally.ok++;
      else if (isWrong && status === 401 && errorCodeOf(body) === 'PIN_INCORRECT') tally.expectedIncorrect++;
      else if (isWrong && status === 200) bump(tally, '200 for a wrong PIN');
      else bump(tally, `${status} ${errorCodeOf(body)}${isWrong ? ' (wrong PIN)' : ' (right PIN)'}`);
    },
  };
  const result = await fire(options, request);
  return { ...summarise('verify', options, result, tally), nextSeq: seq };
}
