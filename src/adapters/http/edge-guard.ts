import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../domain/errors.js';
import { bodyLimit } from './body-limits.js';
import { errorJson } from './http-context.js';
import { errorPage, wantsHtml } from './public-pages.js';

// Validation at the edge (issue #6): whatever a client sends, a malformed request is answered 4xx with a stable
// code naming the problem, before routing, authentication or SQL, and is logged as the caller's mistake (info),
// never as our fault. Route schemas then check each field's meaning.

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 32;

export type Refusal = Readonly<{ code: ErrorCode; details: Readonly<Record<string, unknown>> }>;

const refusal = (code: ErrorCode, details: Record<string, unknown> = {}): Refusal => ({ code, details });

/** A percent-encoded URL part decoded strictly: NUL, invalid UTF-8 (lone surrogates included) are refused. */
function checkUrlPart(raw: string, field: string): Refusal | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return refusal('INVALID_REQUEST', { field, reason: 'ENCODING' });
  }
  if (decoded.includes('\u0000')) return refusal('INVALID_REQUEST', { field, reason: 'NUL' });
  if (LONE_SURROGATE.test(decoded)) return refusal('INVALID_REQUEST', { field, reason: 'ENCODING' });
  return null;
}

export function checkUrl(url: string): Refusal | null {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const rest = start < 0 ? '/' : url.slice(start);
  const hash = rest.indexOf('#');
  const target = hash < 0 ? rest : rest.slice(0, hash);
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const pathProblem = checkUrlPart(path, 'path');
  if (pathProblem) return pathProblem;
  if (q < 0) return null;
  for (const pair of target.slice(q + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const nameProblem = checkUrlPart(name, 'query');
    if (nameProblem) return nameProblem;
    const valueProblem = checkUrlPart(eq < 0 ? '' : pair.slice(eq + 1), `query.${safeName(name)}`);
    if (valueProblem) return valueProblem;
  }
  return null;
}

function safeName(raw: string): string {
  try {
    const name = decodeURIComponent(raw);
    return /^[A-Za-z0-9_.-]{1,40}$/.test(name) ? name : '?';
  } catch {
    return '?';
  }
}

/** Every string (and key) of a parsed JSON value: no NUL, no lone surrogate, not nested too deep. */
export function checkJsonValue(value: unknown): Refusal | null {
  const stack: Array<{ v: unknown; path: string[] }> = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (path.length > MAX_DEPTH) return refusal('INVALID_REQUEST', { field: 'body', reason: 'TOO_DEEP' });
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return refusal('INVALID_REQUEST', { field: fieldName(path), reason: 'NUL' });
      if (LONE_SURROGATE.test(v)) return refusal('INVALID_REQUEST', { field: fieldName(path), reason: 'LONE_SURROGATE' });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: [...path, String(i)] }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\u0000') || LONE_SURROGATE.test(key)) return refusal('INVALID_REQUEST', { field: fieldName(path), reason: 'KEY' });
        stack.push({ v: item, path: [...path, key] });
      }
    }
  }
  return null;
}

function fieldName(path: string[]): string {
  // Field names are echoed back; values never are (they may be PINs or My Numbers).
  const safe = path.map((p) => (/^[A-Za-z0-9_-]{1,40}$/.test(p) ? p : '?'));
  return safe.length === 0 ? 'body' : safe.join('.');
}

/** Reads a body up to `limit` bytes; stops reading (and cancels the stream) as soon as it is passed. */
async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | 'too-large'> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

async function checkBody(c: Context): Promise<Refusal | null> {
  const method = c.req.method;
  if (!BODY_METHODS.has(method)) return null;
  const limit = bodyLimit(method, c.req.path);
  const declared = c.req.header('content-length');
  if (declared !== undefined && (!/^\d{1,15}$/.test(declared) || Number(declared) > limit)) {
    return /^\d{1,15}$/.test(declared) ? refusal('PAYLOAD_TOO_LARGE', { limit }) : refusal('INVALID_REQUEST', { field: 'headers.content-length' });
  }
  const raw = c.req.raw.body;
  const contentType = c.req.header('content-type');
  const bytes = raw ? await readLimited(raw, limit) : new Uint8Array(0);
  if (bytes === 'too-large') return refusal('PAYLOAD_TOO_LARGE', { limit });
  if (bytes.byteLength === 0) {
    // No body: routes that take none accept it; routes that need one answer INVALID_REQUEST (field body).
    cacheText(c, '');
    return null;
  }
  if (!contentType || !JSON_TYPE.test(contentType.trim())) return refusal('UNSUPPORTED_MEDIA_TYPE', { expected: 'application/json' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return refusal('INVALID_REQUEST', { field: 'body', reason: 'ENCODING' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refusal('INVALID_REQUEST', { field: 'body', reason: 'MALFORMED_JSON' });
  }
  const problem = checkJsonValue(value);
  if (problem) return problem;
  // The validators and handlers read the body through Hono's cache: from here on, only this checked text.
  cacheText(c, text);
  return null;
}

// Hono keeps the promise of each body reading in bodyCache (typed as the resolved value).
function cacheText(c: Context, text: string) {
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
}

/** Answers a malformed request itself; lets a well-formed one through. */
export function edgeGuard(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const problem = checkUrl(c.req.url) ?? (await checkBody(c));
    if (!problem) return next();
    logClientMistake(logger, c, problem.code, problem.details);
    return wantsHtml(c) && problem.code === 'INVALID_REQUEST' ? errorPage(c, problem.code) : errorJson(c, problem.code, problem.details);
  };
}

/** The caller's mistake, logged at info: it is not a fault of ours and must not page anyone. */
export function logClientMistake(logger: Logger, c: Context, code: ErrorCode, details: Readonly<Record<string, unknown>>) {
  const path = c.req.path.length > 120 ? `${c.req.path.slice(0, 120)}…` : c.req.path;
  logger.info({ code, ...details, method: c.req.method, path: path.replace(/\/pinpad\/[^/]+/, '/pinpad/…').replace(/\u0000/g, '\\0') }, 'request refused: client mistake');
}
