import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../src/domain/errors.js';
import { statusOf } from './page.js';
import { detailLines, messageOf, refusalFromKagiya, SERVICE_CODES, SERVICE_MESSAGES } from './refusal.js';

describe('refusals of the relying services', () => {
  it("takes Kagiya's code and details, with Kagiya's own words for the code", () => {
    const r = refusalFromKagiya({ error: { code: 'PIN_INCORRECT', message: 'x', messages: { ja: 'x', en: 'x' }, slot: 'sign', remaining: 2 } });
    expect(r).toEqual({ code: 'PIN_INCORRECT', details: { slot: 'sign', remaining: 2 } });
    expect(messageOf(r)).toBe(ERROR_MESSAGES.PIN_INCORRECT);
    expect(detailLines(r).map((l) => l.ja)).toEqual(['対象: 署名用電子証明書の暗証番号(英数字6〜16文字)', '残りの入力回数: 2回']);
    expect(statusOf(r)).toBe(401);
  });

  it("shows a code Kagiya added later in Kagiya's words rather than as a lock or a raw code", () => {
    const r = refusalFromKagiya({ error: { code: 'NEW_THING', messages: { ja: '新しい理由', en: 'A new reason' } } });
    expect(messageOf(r)).toEqual({ ja: '新しい理由', en: 'A new reason' });
  });

  it('calls an answer that is not Kagiya\'s error shape our outage, never a lock', () => {
    for (const body of [null, 'oops', { error: {} }, { message: 'locked' }]) {
      const r = refusalFromKagiya(body);
      expect(r.code).toBe('KAGIYA_UNREACHABLE');
      expect(messageOf(r).ja).toContain('暗証番号のロックではありません');
      expect(statusOf(r)).toBe(503);
    }
  });

  it('has Japanese and English words for every service code, and a status for each', () => {
    for (const code of SERVICE_CODES) {
      expect(SERVICE_MESSAGES[code].ja.length).toBeGreaterThan(5);
      expect(SERVICE_MESSAGES[code].en.length).toBeGreaterThan(5);
      expect(statusOf({ code, details: {} })).toBeGreaterThanOrEqual(400);
    }
  });
});
