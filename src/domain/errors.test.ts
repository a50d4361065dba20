import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, ERROR_MESSAGES } from './errors.js';
import type { ErrorCode } from './errors.js';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('ERROR_MESSAGES', () => {
  it('has a message for exactly the listed codes', () => {
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...ERROR_CODES].sort());
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it.each(ERROR_CODES)('gives %s a non-empty Japanese and English message', (code) => {
    const { ja, en } = ERROR_MESSAGES[code];
    expect(ja.trim()).not.toBe('');
    expect(en.trim()).not.toBe('');
    expect(ja).toMatch(JAPANESE);
    expect(en).not.toMatch(JAPANESE);
  });

  it.each(ERROR_CODES)('keeps the %s messages static (no placeholders)', (code) => {
    const { ja, en } = ERROR_MESSAGES[code];
    expect(ja).not.toMatch(/[{}]/);
    expect(en).not.toMatch(/[{}]/);
  });

  it.each<[string, ErrorCode, string, string]>([
    ['says a format error used no try', 'PIN_FORMAT', '減っていません', 'no try was used'],
    ['tells a locked holder to reset at the municipal counter', 'PIN_LOCKED', '市区町村の窓口', 'municipal office'],
    ['says SERVICE_BUSY is our fault', 'SERVICE_BUSY', 'こちら側の問題', 'our problem'],
    ['says SERVICE_BUSY is not a lock', 'SERVICE_BUSY', 'ロックではありません', 'not a PIN lock'],
    ['says SERVICE_UNAVAILABLE is our fault', 'SERVICE_UNAVAILABLE', 'こちら側の問題', 'our problem'],
    ['says SERVICE_UNAVAILABLE is not a lock', 'SERVICE_UNAVAILABLE', 'ロックではありません', 'not a PIN lock'],
    ['says an expired certificate is not a lock', 'CERT_EXPIRED', 'ロックではありません', 'not a PIN lock'],
    ['says a revoked certificate is not a lock', 'CERT_REVOKED', 'ロックではありません', 'not a PIN lock'],
    ['says a suspended certificate is not a lock', 'CERT_SUSPENDED', 'ロックではありません', 'not a PIN lock'],
    ['says an expired card is not a lock', 'CARD_EXPIRED', 'ロックではありません', 'not a PIN lock'],
    ['says a risk hold is not a card lock', 'RISK_HOLD', 'ロックではありません', 'not locked'],
    ['says a blocked source is not a lock and spent no try', 'SOURCE_BLOCKED', '残りの入力回数は減っていません', 'no try was used'],
    ['says a move revokes the signing certificate', 'CERT_REVOKED', '転居', 'move'],
  ])('%s', (_name, code, ja, en) => {
    expect(ERROR_MESSAGES[code].ja).toContain(ja);
    expect(ERROR_MESSAGES[code].en).toContain(en);
  });

  it('does not reveal whether a rejected card exists', () => {
    const { ja, en } = ERROR_MESSAGES.CARD_REJECTED;
    for (const hint of ['存在', '登録されていません', '見つかりません', '暗証番号が違']) expect(ja).not.toContain(hint);
    for (const hint of ['exist', 'not found', 'unknown', 'registered', 'incorrect']) expect(en.toLowerCase()).not.toContain(hint);
  });
});

describe('AppError', () => {
  it('defaults its message to the English text', () => {
    const error = new AppError('PIN_LOCKED', { slot: 'auth' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(error.code).toBe('PIN_LOCKED');
    expect(error.details).toEqual({ slot: 'auth' });
    expect(error.message).toBe(ERROR_MESSAGES.PIN_LOCKED.en);
  });

  it('keeps a log message when given one', () => {
    const error = new AppError('INTERNAL', {}, 'pool exhausted');
    expect(error.message).toBe('pool exhausted');
    expect(error.details).toEqual({});
  });

  it('defaults details to an empty object', () => {
    expect(new AppError('NOT_FOUND').details).toEqual({});
  });
});
