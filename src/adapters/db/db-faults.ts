// Which database faults are "the database cannot be reached" (SERVICE_UNAVAILABLE) and which are "the database is
// overloaded or the statement gave way to another" (SERVICE_BUSY). Anything else is a defect of ours (INTERNAL).
// Neither is ever a lock (DOMAIN.md §3).

export type DbFault = 'unavailable' | 'busy';

// SQLSTATE classes and codes (PostgreSQL Appendix A).
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '28000', '28P01']);
const BUSY_STATES = new Set(['40001', '40P01', '55P03', '57014', '53000', '53100', '53200', '25P03']);

// Faults raised by the drivers themselves (pg, pg-pool, PGlite, kysely) and by the socket, which carry no SQLSTATE.
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /cannot use a pool after calling end/i,
  /timeout exceeded when trying to connect/i,
  /driver has already been destroyed/i,
  /pglite is closed/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /is not currently accepting connections/i,
];
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function classifyDbFault(error: unknown): DbFault | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code)) return 'unavailable';
    if (BUSY_STATES.has(code)) return 'busy';
  }
  if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message))) return 'unavailable';
  // AggregateError from a connect to several addresses (127.0.0.1 and ::1) that all refused.
  if (error instanceof AggregateError && error.errors.some((e) => classifyDbFault(e) === 'unavailable')) return 'unavailable';
  const cause = (error as { cause?: unknown }).cause;
  return cause && cause !== error ? classifyDbFault(cause) : null;
}
