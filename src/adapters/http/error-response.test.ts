import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_MESSAGES } from '../../domain/errors.js';
import { errorBody, HTTP_STATUS, pickLang } from './error-response.js';

describe('error codes at the HTTP boundary', () => {
  it.each(ERROR_CODES)('%s has an HTTP status and a Japanese and an English message', (code) => {
    expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(ERROR_MESSAGES[code].ja).toMatch(/[ぁ-んァ-ン一-龥]/);
    expect(ERROR_MESSAGES[code].en.length).toBeGreaterThan(10);
    const body = errorBody(code, {}, 'ja');
    expect(body.error).toMatchObject({ code, message: ERROR_MESSAGES[code].ja, messages: ERROR_MESSAGES[code] });
  });

  it('never reports our own fault as a lock', () => {
    expect(HTTP_STATUS.SERVICE_BUSY).toBe(503);
    expect(HTTP_STATUS.PIN_LOCKED).toBe(423);
    expect(ERROR_MESSAGES.SERVICE_BUSY.ja).not.toBe(ERROR_MESSAGES.PIN_LOCKED.ja);
  });

  it('keeps the code when details carry a field of the same name', () => {
    expect(errorBody('PIN_LOCKED', { code: 'X' }, 'en').error.code).toBe('PIN_LOCKED');
  });

  it('answers in Japanese unless English comes first', () => {
    expect(pickLang(undefined, undefined)).toBe('ja');
    expect(pickLang('en-US,en;q=0.9', undefined)).toBe('en');
    expect(pickLang('ja,en;q=0.8', undefined)).toBe('ja');
    expect(pickLang('ja', 'en')).toBe('en');
  });
});
