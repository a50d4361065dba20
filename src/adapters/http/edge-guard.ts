import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../domain/errors.js';
import { LONE_SURROGATE } from '../../domain/well-formed-text.js';
import { bodyLimit } from './body-limits.js';
import { errorJson } from './http-context.js';
import { errorPage, wantsHtml } from './public-pages.js';

// Validation at the edge (issue #6): whatever a client sends, a malformed request is answered 4xx with a stable
// code naming the problem, before routing, authentication or SQL, and is logged as the caller's mistake (info),
// never as our fault. Route schemas then check each field's meaning.

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const MAX_DEPTH = 32;
// The identity provider's login and consent screens post HTML forms (the card file as an upload): those routes read
// their own body, within the limit below, so the JSON check does not apply to them.
const FORM_ROUTES = /^\/oidc\/interaction\/[^/]+\/(login|consent)$/;
const FORM_TYPE = /^(multipart\/form-data|application\/x-www-form-urlencoded)\s*(;|$)/i;

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

/**
 * On Node the body is read from the IncomingMessage itself: touching `c.req.raw.body` would build an undici Request,
 * an AbortSignal and a web stream for every request, the largest server-side cost of a PIN entry once measured
 * (docs/decisions.md, "hot path"). Elsewhere (app.request in tests) the web stream is read.
 */
function nodeIncoming(c: Context): IncomingMessage | null {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof Readable ? (incoming as IncomingMessage) : null;
}

/** Reads an IncomingMessage up to `limit` bytes; past it, stops reading and lets the rest drain unbuffered. */
function readIncomingLimited(incoming: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        cleanup();
        incoming.resume(); // discard the rest without keeping it
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('Client connection prematurely closed.'));
    if (incoming.readableEnded) {
      resolve(new Uint8Array(0));
      return;
    }
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onAborted);
  });
}

async function checkBody(c: Context): Promise<Refusal | null> {
  const method = c.req.method;
  if (!BODY_METHODS.has(method)) return null;
  const limit = bodyLimit(method, c.req.path);
  const declared = c.req.header('content-length');
  if (declared !== undefined && (!/^\d{1,15}$/.test(declared) || Number(declared) > limit)) {
    return /^\d{1,15}$/.test(declared) ? refusal('PAYLOAD_TOO_LARGE', { limit }) : refusal('INVALID_REQUEST', { field: 'headers.content-length' });
  }
  const contentType = c.req.header('content-type');
  if (method === 'POST' && FORM_ROUTES.test(c.req.path) && contentType && FORM_TYPE.test(contentType.trim())) return null;
  const incoming = nodeIncoming(c);
  const raw = incoming ? null : c.req.raw.body;
  const bytes = incoming ? await readIncomingLimited(incoming, limit) : raw ? await readLimited(raw, limit) : new Uint8Array(0);
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
  // The validators and handlers read the body through Hono's cache: from here on, only this checked text (and its
  // value, parsed once; validators build new objects from it, never change it).
  cacheText(c, text, value);
  return null;
}

// Hono keeps the promise of each body reading in bodyCache (typed as the resolved value).
function cacheText(c: Context, text: string, value?: unknown) {
  const cache = c.req.bodyCache as Record<string, unknown>;
  cache.text = Promise.resolve(text);
  if (value !== undefined) cache.json = Promise.resolve(value);
}

// OCSP (RFC 6960) bodies are binary, with their own answer to a malformed one (malformedRequest, an OCSP body that
// OCSP clients read); the route bounds and checks its body itself (routes/pki-routes.ts). Its URL is checked here.
const OWN_BODY_PROTOCOL = /^\/pki\/ocsp$/;

/** Answers a malformed request itself; lets a well-formed one through. */
export function edgeGuard(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const problem = checkUrl(c.req.url) ?? (OWN_BODY_PROTOCOL.test(c.req.path) ? null : await checkBody(c));
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
