import { ERROR_MESSAGES, type ErrorCode } from '../../domain/errors.js';

// One exhaustive table (DESIGN.md): a new code without a status does not compile.
// 423 Locked means one thing only: a PIN slot is locked (PIN_LOCKED). A client that maps statuses tells the
// resident "your PIN is locked" on 423, so a suspended card or certificate, a security hold and a staff
// sign-in lockout must never use it (issue #6): they are 403 (the card may not be used now) and 429.
export const HTTP_STATUS: Readonly<Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 423 | 428 | 429 | 431 | 500 | 503>> = {
  PIN_FORMAT: 400,
  PIN_INCORRECT: 401,
  PIN_LOCKED: 423,
  PIN_WEAK: 400,
  PIN_SLOT_ABSENT: 409,
  CARD_REJECTED: 401,
  CARD_SUSPENDED: 403,
  CARD_REVOKED: 410,
  CARD_EXPIRED: 410,
  CERT_EXPIRED: 410,
  CERT_REVOKED: 410,
  CERT_SUSPENDED: 403,
  RISK_HOLD: 403,
  SOURCE_BLOCKED: 429,
  SERVICE_BUSY: 503,
  SERVICE_UNAVAILABLE: 503,
  INVALID_REQUEST: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  INVALID_MY_NUMBER: 400,
  INVALID_MUNICIPALITY: 400,
  DUPLICATE_MY_NUMBER: 409,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  INTERNAL: 500,
  STAFF_LOGIN_FAILED: 401,
  STAFF_LOCKED: 429,
  MAINTENANCE_DAY: 409,
  PROCEDURE_INVALID_TRANSITION: 409,
  DOCUMENTS_MISSING: 400,
  LETTER_CODE_INVALID: 400,
  DEADLINE_PASSED: 410,
  PIN_PAD_EXPIRED: 410,
  PIN_PAD_REQUIRED: 403,
  POLICY_INVALID: 400,
  CLIENT_REPORT_RATE_LIMITED: 429,
  LAST_TRY_CONFIRMATION_REQUIRED: 428,
  KIOSK_RESET_NOT_RESERVED: 404,
  KIOSK_RESET_EXPIRED: 410,
  KIOSK_RESET_USED: 410,
  KIOSK_RESET_CERT_INVALID: 409,
  KIOSK_RESET_BOTH_LOCKED: 409,
  KIOSK_RESET_FACE_MISMATCH: 403,
  KIOSK_OUTSIDE_HOURS: 403,
  MASS_JOB_FINISHED: 409,
};

export type Lang = 'ja' | 'en';

/** Japanese unless the caller asks for English first (DESIGN.md: Japanese first, English second). */
export function pickLang(acceptLanguage: string | undefined, query: string | undefined): Lang {
  if (query === 'en' || query === 'ja') return query;
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ja';
}

export function errorBody(code: ErrorCode, details: Readonly<Record<string, unknown>>, lang: Lang) {
  const messages = ERROR_MESSAGES[code];
  return { error: { ...details, code, message: messages[lang], messages: { ja: messages.ja, en: messages.en } } };
}
