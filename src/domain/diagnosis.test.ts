import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnosis.js';
import type { AttemptRecord, CardReading, CertReading, Diagnosis, DiagnosisInput, VerdictCode } from './diagnosis.js';
import type { SlotState } from './card.js';
import type { PinSlot } from './pin-slot.js';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const NOW = new Date('2026-03-10T03:00:00Z');

const ACTIVE: CardReading = { status: 'active', expiresAt: new Date('2034-05-01T14:59:59Z'), statusChangedAt: null, statusReason: null };
const VALID: CertReading = { status: 'valid', notAfter: new Date('2029-05-01T14:59:59Z'), statusChangedAt: null, revocationReason: null };
const FULL: Readonly<Record<PinSlot, SlotState>> = {
  auth: { remaining: 3, max: 3, lockedAt: null },
  sign: { remaining: 5, max: 5, lockedAt: null },
  assist: { remaining: 3, max: 3, lockedAt: null },
  juki: { remaining: 3, max: 3, lockedAt: null },
};
const MOVED: CertReading = { ...VALID, status: 'revoked', statusChangedAt: new Date('2026-02-15T01:00:00Z'), revocationReason: 'address changed' };

function attempt(iso: string, fields: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    occurredAt: new Date(iso),
    operation: 'authenticate',
    slot: 'auth',
    result: 'success',
    code: null,
    channel: 'smartphone',
    service: 'e-tax',
    terminal: null,
    ...fields,
  };
}

// 2026-01-10 10:00 JST: the last time the auth PIN worked, from a PC on Mynaportal.
const LOGIN_JAN_10 = attempt('2026-01-10T01:00:00Z', { channel: 'pc', service: 'mynaportal' });
// 2026-03-02 JST: three wrong auth PINs on the phone, for e-Tax. Newest first.
const THREE_WRONG_ON_PHONE: AttemptRecord[] = [
  attempt('2026-03-02T00:02:00Z', { result: 'incorrect' }),
  attempt('2026-03-02T00:01:00Z', { result: 'incorrect' }),
  attempt('2026-03-02T00:00:00Z', { result: 'incorrect' }),
];
const AUTH_LOCKED: Record<PinSlot, SlotState> = { ...FULL, auth: { remaining: 0, max: 3, lockedAt: new Date('2026-03-02T00:02:00Z') } };

function input(overrides: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return { card: ACTIVE, slots: FULL, certificates: { auth: VALID, sign: VALID }, attempts: [LOGIN_JAN_10], now: NOW, ...overrides };
}

function codes(d: Diagnosis): string[] {
  return d.findings.map((f) => `${f.code}${f.slot ? `:${f.slot}` : ''}`);
}

describe('diagnose: the verdict, in priority order', () => {
  it.each<[string, Partial<DiagnosisInput>, VerdictCode]>([
    [
      'a revoked card before a lock',
      { card: { ...ACTIVE, status: 'revoked', statusChangedAt: new Date('2026-02-01T00:00:00Z'), statusReason: 'holder request' }, slots: AUTH_LOCKED },
      'CARD_REVOKED',
    ],
    ['a suspended card before its expiry', { card: { ...ACTIVE, status: 'suspended', expiresAt: new Date('2026-01-01T00:00:00Z') } }, 'CARD_SUSPENDED'],
    ['an expired card before an expired certificate', { card: { ...ACTIVE, expiresAt: new Date('2026-03-01T14:59:59Z') }, certificates: { auth: { ...VALID, notAfter: new Date('2026-03-01T14:59:59Z') }, sign: VALID } }, 'CARD_EXPIRED'],
    ['a lock before a revoked certificate', { slots: AUTH_LOCKED, attempts: [...THREE_WRONG_ON_PHONE, LOGIN_JAN_10], certificates: { auth: VALID, sign: MOVED } }, 'PIN_LOCKED'],
    ['a revoked certificate before spent tries', { certificates: { auth: VALID, sign: MOVED }, slots: { ...FULL, auth: { remaining: 2, max: 3, lockedAt: null } } }, 'CERT_REVOKED'],
    ['a suspended certificate', { certificates: { auth: { ...VALID, status: 'suspended' }, sign: VALID } }, 'CERT_SUSPENDED'],
    ['an expired certificate', { certificates: { auth: VALID, sign: { ...VALID, notAfter: new Date('2026-02-28T14:59:59Z') } } }, 'CERT_EXPIRED'],
    ['spent tries with nothing locked', { slots: { ...FULL, sign: { remaining: 3, max: 5, lockedAt: null } } }, 'TRIES_LOW'],
    ['nothing wrong, but someone was refused', {}, 'CLIENT_SIDE'],
    ['nothing wrong and nobody complaining', { complaint: false }, 'HEALTHY'],
  ])('%s → %s', (_name, overrides, code) => {
    expect(diagnose(input(overrides)).code).toBe(code);
  });

  it('reads a certificate as expired from its date, not from a stored status', () => {
    const d = diagnose(input({ certificates: { auth: { ...VALID, notAfter: NOW }, sign: VALID } }));
    expect(d.code).toBe('CERT_EXPIRED');
  });
});

describe('diagnose: PIN_LOCKED', () => {
  it('names the slot, the JST date and where the failures came from (the exact sentences)', () => {
    const d = diagnose(input({ slots: AUTH_LOCKED, attempts: [...THREE_WRONG_ON_PHONE, LOGIN_JAN_10] }));
    expect(d.code).toBe('PIN_LOCKED');
    expect(d.text.ja).toContain('利用者証明用電子証明書の暗証番号が2026-03-02にロックされました（スマートフォン（e-Tax）で3回連続して誤り）');
    expect(d.text.en).toContain('The user-authentication certificate PIN locked on 2026-03-02 after 3 failures through the smartphone app (e-Tax)');
    expect(d.text.ja).toContain('窓口で再設定');
    expect(d.lastSuccess).toEqual(LOGIN_JAN_10.occurredAt);
  });

  it('reads the lock date on the JST calendar (23:30 JST on 1 March is still 1 March; 00:30 JST on 2 March is not)', () => {
    const late = diagnose(input({ slots: { ...FULL, auth: { remaining: 0, max: 3, lockedAt: new Date('2026-03-01T14:30:00Z') } } }));
    const early = diagnose(input({ slots: { ...FULL, auth: { remaining: 0, max: 3, lockedAt: new Date('2026-03-01T15:30:00Z') } } }));
    expect(late.text.en).toContain('locked on 2026-03-01');
    expect(early.text.en).toContain('locked on 2026-03-02');
  });

  it('counts only the failures since the last success on that slot', () => {
    const attempts = [
      ...THREE_WRONG_ON_PHONE,
      attempt('2026-02-20T01:00:00Z'),
      attempt('2026-02-19T01:00:00Z', { result: 'incorrect' }),
      attempt('2026-02-19T00:59:00Z', { result: 'incorrect' }),
      LOGIN_JAN_10,
    ];
    const d = diagnose(input({ slots: AUTH_LOCKED, attempts }));
    expect(d.text.ja).toContain('3回連続して誤り');
    expect(d.failuresBySource).toEqual([
      { channel: 'smartphone', service: 'e-tax', terminal: null, slot: 'auth', failures: 3, lastAt: new Date('2026-03-02T00:02:00Z') },
    ]);
  });

  it('names a different slot from the one the holder thinks of, with every source', () => {
    const slots = { ...FULL, assist: { remaining: 0, max: 3, lockedAt: new Date('2026-03-05T02:00:00Z') } };
    const attempts = [
      attempt('2026-03-05T02:00:00Z', { slot: 'assist', result: 'incorrect', operation: 'read_attributes', channel: 'pc', service: 'e-tax' }),
      attempt('2026-03-05T01:00:00Z', { slot: 'assist', result: 'incorrect', operation: 'read_attributes', channel: 'smartphone', service: 'mynaportal' }),
      attempt('2026-03-04T01:00:00Z', { slot: 'assist', result: 'incorrect', operation: 'read_attributes', channel: 'smartphone', service: 'mynaportal' }),
      LOGIN_JAN_10,
    ];
    const d = diagnose(input({ slots, attempts }));
    expect(d.code).toBe('PIN_LOCKED');
    expect(d.text.ja).toContain('券面事項入力補助用の暗証番号が2026-03-05にロックされました（スマートフォン（マイナポータル）で2回、パソコン（e-Tax）で1回、計3回連続して誤り）');
    expect(d.text.en).toContain('The text-input-assist PIN locked on 2026-03-05 after 3 failures (2 through the smartphone app (Mynaportal), 1 through a PC (e-Tax))');
    expect(d.text.ja).not.toContain('利用者証明用');
  });

  it('names every locked slot', () => {
    const slots = { ...AUTH_LOCKED, juki: { remaining: 0, max: 3, lockedAt: new Date('2025-12-01T01:00:00Z') } };
    const d = diagnose(input({ slots, attempts: [...THREE_WRONG_ON_PHONE, LOGIN_JAN_10] }));
    expect(d.text.ja).toContain('利用者証明用電子証明書の暗証番号が2026-03-02にロックされました');
    expect(d.text.ja).toContain('住民基本台帳用の暗証番号が2025-12-01にロックされました（誤りの記録は見つかりません）');
    expect(d.text.en).toContain('The resident-register PIN locked on 2025-12-01 with no failure on record');
    expect(codes(d).filter((c) => c.startsWith('PIN_LOCKED'))).toEqual(['PIN_LOCKED:auth', 'PIN_LOCKED:juki']);
  });

  it('lists a revoked signing certificate as a secondary finding, and no kiosk reset', () => {
    const d = diagnose(input({ slots: AUTH_LOCKED, attempts: [...THREE_WRONG_ON_PHONE, LOGIN_JAN_10], certificates: { auth: VALID, sign: MOVED } }));
    expect(codes(d)).toEqual(['PIN_LOCKED:auth', 'CERT_REVOKED:sign']);
    expect(d.findings[1]!.text.ja).toContain('署名用電子証明書は2026-02-15に失効しています（理由：転居）');
  });

  it('mentions the kiosk reset when the other certificate PIN still works', () => {
    const d = diagnose(input({ slots: AUTH_LOCKED, attempts: [...THREE_WRONG_ON_PHONE, LOGIN_JAN_10] }));
    expect(codes(d)).toEqual(['PIN_LOCKED:auth', 'KIOSK_RESET_POSSIBLE:auth']);
  });

  it('reports the entries refused after the lock, which spent nothing', () => {
    const after = [1, 2, 3, 4].map((i) => attempt(`2026-03-0${i + 4}T01:00:00Z`, { result: 'refused', code: 'PIN_LOCKED' })).reverse();
    const d = diagnose(input({ slots: AUTH_LOCKED, attempts: [...after, ...THREE_WRONG_ON_PHONE, LOGIN_JAN_10] }));
    const refusal = d.findings.find((f) => f.code === 'REFUSALS');
    expect(refusal?.text.en).toBe('4 entries for the user-authentication certificate PIN through the smartphone app (e-Tax) were refused with the PIN already locked (it was not checked).');
    expect(refusal?.text.ja).toBe('利用者証明用電子証明書の暗証番号の入力が4回、ロック中のため断られています（スマートフォン（e-Tax））。');
  });
});

describe('diagnose: certificates are not locks', () => {
  it('says nothing is locked, when the last login was, and that the signing certificate went with the move (the exact sentence)', () => {
    const d = diagnose(input({ certificates: { auth: VALID, sign: MOVED } }));
    expect(d.code).toBe('CERT_REVOKED');
    expect(d.text.en).toBe('Nothing is locked; last successful login 2026-01-10 10:00 JST; the signing certificate was revoked on moving — renew it.');
    expect(d.text.ja).toBe(
      'ロックされている暗証番号はありません。最後に正常にログインしたのは2026-01-10 10:00（日本時間）です。署名用電子証明書は転居により失効しています。窓口で新しい電子証明書の発行を申請してください。',
    );
  });

  it('gives the date when the reason is unknown', () => {
    const d = diagnose(input({ certificates: { auth: { ...MOVED, revocationReason: null }, sign: VALID } }));
    expect(d.text.en).toContain('the user-authentication certificate was revoked on 2026-02-15 — renew it');
  });

  it('names an expired certificate and its date', () => {
    const d = diagnose(input({ certificates: { auth: { ...VALID, notAfter: new Date('2026-02-28T14:59:59Z') }, sign: VALID } }));
    expect(d.text.en).toBe('Nothing is locked; last successful login 2026-01-10 10:00 JST; the user-authentication certificate expired on 2026-02-28 — renew it at the counter (free).');
    expect(d.text.ja).toContain('利用者証明用電子証明書の有効期限（2026-02-28）が切れています');
  });

  it('notes an absent signing certificate without making it the verdict', () => {
    const d = diagnose(input({ certificates: { auth: VALID, sign: null }, slots: { ...FULL, sign: null } }));
    expect(d.code).toBe('CLIENT_SIDE');
    expect(codes(d)).toEqual(['CERT_ABSENT:sign']);
  });

  it('does not mistake the move for a re-set of the signing password', () => {
    const attempts = [
      attempt('2026-02-15T01:00:00Z', { slot: 'sign', operation: 'revoke_sign_certificate', result: 'done', channel: 'counter', service: null }),
      attempt('2026-02-14T01:00:00Z', { slot: 'sign', operation: 'sign', result: 'incorrect', channel: 'pc' }),
      LOGIN_JAN_10,
    ];
    const d = diagnose(input({ attempts, certificates: { auth: VALID, sign: MOVED }, slots: { ...FULL, sign: { remaining: 4, max: 5, lockedAt: null } } }));
    expect(d.failuresBySource.map((s) => [s.slot, s.failures])).toEqual([['sign', 1]]);
  });
});

describe('diagnose: TRIES_LOW', () => {
  it('shows failures spent by another service on the same slot', () => {
    const attempts = [
      attempt('2026-03-09T01:00:00Z', { result: 'incorrect', channel: 'kiosk', service: 'konbini-certificates', terminal: 'store 0421' }),
      attempt('2026-03-07T01:00:00Z', { result: 'incorrect', channel: 'clinic', service: 'health-insurance', terminal: 'reader 2' }),
      LOGIN_JAN_10,
    ];
    const d = diagnose(input({ attempts, slots: { ...FULL, auth: { remaining: 1, max: 3, lockedAt: null } } }));
    expect(d.text.ja).toContain('医療機関（マイナ保険証）で1回、コンビニ等の端末（コンビニ交付）で1回、計2回連続して誤り');
    expect(d.failuresBySource.map((s) => s.terminal)).toEqual(['store 0421', 'reader 2']);
  });

  it('never contradicts the attempt table: wrong entries earlier on the day of the last success are not denied', () => {
    // Two wrong entries at 09:58 and 09:59 JST, then the right PIN at 10:05 JST, the same day.
    const attempts = [
      attempt('2026-12-02T01:05:00Z'),
      attempt('2026-12-02T00:59:00Z', { result: 'incorrect', code: 'PIN_INCORRECT' }),
      attempt('2026-12-02T00:58:00Z', { result: 'incorrect', code: 'PIN_INCORRECT' }),
    ];
    const d = diagnose(input({ attempts }));
    expect(d.code).toBe('CLIENT_SIDE');
    expect(d.text.ja).toContain('2026-12-02 10:05（日本時間）の正しい入力より後に、誤った暗証番号の入力は記録されていません');
    expect(d.text.en).toContain('no wrong PIN has been recorded after that successful entry at 2026-12-02 10:05 JST');
    expect(d.text.en).not.toMatch(/since 2026-12-02\b/);
  });

  it('names the last wrong entry, to the minute, when it came after the last success', () => {
    const attempts = [
      attempt('2026-12-02T03:00:00Z', { result: 'incorrect', code: 'PIN_INCORRECT' }),
      attempt('2026-12-02T01:05:00Z'),
    ];
    const d = diagnose(input({ attempts, slots: { ...FULL, auth: { remaining: 2, max: 3, lockedAt: null } } }));
    expect(`${d.text.ja} ${d.findings.map((f) => f.text.ja).join(' ')}`).not.toContain('誤った暗証番号の入力は記録されていません');
  });

  it('forgets failures wiped by a counter re-set', () => {
    const attempts = [
      attempt('2026-03-03T01:00:00Z', { operation: 'counter_reset', result: 'done', channel: 'counter', service: null }),
      ...THREE_WRONG_ON_PHONE,
      LOGIN_JAN_10,
    ];
    const d = diagnose(input({ attempts }));
    expect(d.code).toBe('CLIENT_SIDE');
    expect(d.failuresBySource).toEqual([]);
  });
});

describe('diagnose: CLIENT_SIDE (the seed story)', () => {
  it('finds nothing locked and no failure, so the "locked" message came from the client', () => {
    const d = diagnose(input({ attempts: [attempt('2025-11-20T03:00:00Z')] }));
    expect(d.code).toBe('CLIENT_SIDE');
    expect(d.text.ja).toContain('ロックされている暗証番号はなく');
    expect(d.text.ja).toContain('最後に正常にログインしたのは2025-11-20 12:00（日本時間）です');
    expect(d.text.ja).toContain('誤った暗証番号の入力は記録されていません');
    expect(d.text.en).toContain('Nothing is locked');
    expect(d.text.en).toContain('not from the card');
    expect(d.findings).toEqual([]);
    expect(d.failuresBySource).toEqual([]);
  });

  it('mentions format refusals, e.g. a lowercase signing password a client refused, which spent no try', () => {
    const attempts = [
      attempt('2026-03-09T01:01:00Z', { slot: 'sign', operation: 'sign', result: 'refused', code: 'PIN_FORMAT', channel: 'pc' }),
      attempt('2026-03-09T01:00:00Z', { slot: 'sign', operation: 'sign', result: 'refused', code: 'PIN_FORMAT', channel: 'pc' }),
      LOGIN_JAN_10,
    ];
    for (const complaint of [true, false]) {
      const d = diagnose(input({ attempts, complaint }));
      expect(d.code).toBe('CLIENT_SIDE');
      expect(d.text.ja).toContain('形式が正しくないため照合されなかった入力が2回あります（パソコン（e-Tax））');
      expect(d.text.ja).toContain('小文字');
      expect(d.text.en).toContain('2 entries through a PC (e-Tax) were refused as malformed and never checked, so no try was spent');
      expect(d.text.en).toContain('lowercase');
      expect(codes(d)).toEqual(['FORMAT_REFUSALS:sign']);
    }
  });

  it('says so when there has never been a success', () => {
    const d = diagnose(input({ attempts: [] }));
    expect(d.lastSuccess).toBeNull();
    expect(d.text.en).toContain('no successful entry on record');
  });
});

describe('diagnose: card states', () => {
  it.each<[string, CardReading, string, string]>([
    [
      'revoked',
      { ...ACTIVE, status: 'revoked', statusChangedAt: new Date('2026-02-01T00:00:00Z'), statusReason: 'holder request' },
      'このカードは2026-02-01に廃止されています（理由：本人の申出）。暗証番号のロックではありません。',
      "The card was revoked on 2026-02-01 (the holder's request). This is not a PIN lock",
    ],
    [
      'suspended',
      { ...ACTIVE, status: 'suspended', statusChangedAt: new Date('2026-03-01T00:00:00Z'), statusReason: null },
      'このカードは2026-03-01から一時停止されています。暗証番号のロックではありません。',
      'The card has been suspended since 2026-03-01. This is not a PIN lock',
    ],
    [
      'expired',
      { ...ACTIVE, expiresAt: new Date('2026-03-05T14:59:59Z') },
      'このカードの有効期限は2026-03-05までで、切れています。暗証番号のロックではありません。',
      'The card expired on 2026-03-05. This is not a PIN lock',
    ],
  ])('says a %s card is not a lock', (_name, card, ja, en) => {
    const d = diagnose(input({ card }));
    expect(d.text.ja).toContain(ja);
    expect(d.text.en).toContain(en);
  });
});

describe('diagnose: general', () => {
  it('takes the newest success whatever the order given', () => {
    const newer = attempt('2026-03-01T01:00:00Z', { slot: 'sign', operation: 'sign' });
    const d = diagnose(input({ attempts: [LOGIN_JAN_10, newer] }));
    expect(d.lastSuccess).toEqual(newer.occurredAt);
    expect(d.text.en).toContain('last successful PIN entry 2026-03-01 10:00 JST (signing certificate password)');
  });

  it.each<[string, Partial<DiagnosisInput>]>([
    ['a lock', { slots: AUTH_LOCKED, attempts: [...THREE_WRONG_ON_PHONE, LOGIN_JAN_10], certificates: { auth: VALID, sign: MOVED } }],
    ['a revoked card', { card: { ...ACTIVE, status: 'revoked' } }],
    ['spent tries', { slots: { ...FULL, juki: { remaining: 2, max: 3, lockedAt: null } } }],
    ['the seed case', {}],
    ['a healthy card', { complaint: false }],
  ])('writes Japanese and English for %s', (_name, overrides) => {
    const d = diagnose(input(overrides));
    for (const text of [d.text, ...d.findings.map((f) => f.text)]) {
      expect(text.ja).toMatch(JAPANESE);
      expect(text.en).not.toMatch(JAPANESE);
      expect(text.en.trim()).not.toBe('');
    }
  });
});

describe('diagnose: a risk hold (issue 13)', () => {
  const HOLD = { heldAt: new Date('2026-03-09T05:00:00Z'), rule: 'card-many-addresses', figures: { addresses: 3, services: 1, threshold: 3, windowMinutes: 30 } };

  it('names a hold as a hold on online use, never a lock, with its reason and when it began', () => {
    const d = diagnose(input({ riskHold: HOLD }));
    expect(d.code).toBe('RISK_HOLD');
    expect(d.text.ja).toContain('暗証番号のロックではなく');
    expect(d.text.ja).toContain('3か所の異なる接続元');
    expect(d.text.ja).toContain('2026-03-09 14:00（日本時間）');
    expect(d.text.en).toContain('not a PIN lock');
    expect(codes(d)).toContain('RISK_HOLD');
  });

  it('lets a lock and a certificate problem speak first, and still lists the hold', () => {
    expect(diagnose(input({ riskHold: HOLD, slots: AUTH_LOCKED, attempts: THREE_WRONG_ON_PHONE })).code).toBe('PIN_LOCKED');
    const moved = diagnose(input({ riskHold: HOLD, certificates: { auth: VALID, sign: MOVED } }));
    expect(moved.code).toBe('CERT_REVOKED');
    expect(codes(moved)).toContain('RISK_HOLD');
  });
});
