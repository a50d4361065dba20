import type { ErrorCode } from '../domain/errors.js';

/** Expected outcomes of a use case: a value, or one stable code with details safe to show. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; details: Readonly<Record<string, unknown>> };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, details: Record<string, unknown> = {}): Outcome<T> => ({ ok: false, code, details });
