import { describe, expect, it } from 'vitest';
import { compareClientReports } from './client-mismatch.js';
import { classifyReport, type ClientReportRecord, type EventForComparison } from './client-report.js';

const at = (iso: string) => new Date(iso);
const report = (iso: string, over: Partial<ClientReportRecord> = {}): ClientReportRecord => ({
  receivedAt: at(iso),
  shownCode: 'PIN_LOCKED',
  app: 'MynaApp',
  appVersion: '1.4.2',
  channel: 'smartphone',
  service: 'mynaportal',
  terminal: null,
  slot: null,
  clientCause: null,
  ...over,
});
const event = (iso: string, over: Partial<EventForComparison> = {}): EventForComparison => ({
  occurredAt: at(iso),
  operation: 'verify',
  slot: 'auth',
  result: 'success',
  code: null,
  remainingAfter: 3,
  ...over,
});
const issued = event('2025-12-01T00:00:00Z', { operation: 'issue', slot: null, result: 'done' });

describe('classifying one client report against the card record', () => {
  const cases: Array<[string, ClientReportRecord, EventForComparison[] | null, string]> = [
    ['our outage shown is ours, never compared', report('2026-02-02T00:00:00Z', { shownCode: 'SERVICE_BUSY' }), [issued], 'outage'],
    ['a report naming no card cannot be checked', report('2026-02-02T00:00:00Z'), null, 'unverifiable'],
    ["the client's own words cannot be checked", report('2026-02-02T00:00:00Z', { shownCode: 'OTHER' }), [issued], 'unverifiable'],
    ['locked, and the third wrong PIN was just spent', report('2026-02-02T00:05:00Z'), [issued, event('2026-02-02T00:04:00Z', { result: 'incorrect', remainingAfter: 0 })], 'agrees'],
    ['locked, and the card refused as locked', report('2026-02-02T00:05:00Z'), [issued, event('2026-02-02T00:04:50Z', { result: 'refused', code: 'PIN_LOCKED', remainingAfter: 0 })], 'agrees'],
    ['locked, and the slot locked last week and was never reset', report('2026-02-09T00:00:00Z', { slot: 'auth' }), [issued, event('2026-02-02T00:04:00Z', { result: 'incorrect', remainingAfter: 0 })], 'agrees'],
    ['locked, but the slot was reset at the counter since', report('2026-02-09T00:00:00Z', { slot: 'auth' }), [issued, event('2026-02-02T00:04:00Z', { result: 'incorrect', remainingAfter: 0 }), event('2026-02-05T00:00:00Z', { operation: 'counter_reset', result: 'done' })], 'mismatch'],
    ['locked, but nothing reached the card', report('2026-02-02T00:00:00Z'), [issued], 'mismatch'],
    ['locked, but the card answered a wrong PIN with tries left', report('2026-02-02T00:05:00Z'), [issued, event('2026-02-02T00:04:00Z', { result: 'incorrect', remainingAfter: 2 })], 'mismatch'],
    ['locked for auth, but the sign slot was the locked one', report('2026-02-02T00:05:00Z', { slot: 'auth' }), [issued, event('2026-02-02T00:04:00Z', { slot: 'sign', result: 'incorrect', remainingAfter: 0 })], 'mismatch'],
    ['an event older than ten minutes is not the one answered', report('2026-02-02T00:15:00Z', { shownCode: 'PIN_INCORRECT' }), [issued, event('2026-02-02T00:04:00Z', { result: 'incorrect', remainingAfter: 2 })], 'mismatch'],
    ['certificate revoked, as the card answered', report('2026-02-02T00:05:00Z', { shownCode: 'CERT_REVOKED' }), [issued, event('2026-02-02T00:04:30Z', { result: 'refused', code: 'CERT_REVOKED' })], 'agrees'],
  ];
  it.each(cases)('%s', (_name, r, events, expected) => {
    expect(classifyReport(r, events)).toBe(expected);
  });
});

describe('the mismatch sentence', () => {
  it('names the seed case: "locked" four times since 2026-02-01, never locked, a failed NFC read', () => {
    const reports = ['2026-02-01T03:00:00Z', '2026-02-10T03:00:00Z', '2026-03-01T03:00:00Z', '2026-03-20T03:00:00Z'].map((t) => report(t, { clientCause: 'nfc_read_failed' }));
    const { tally, mismatch } = compareClientReports(reports, [issued, event('2026-01-20T00:00:00Z')]);
    expect(tally).toEqual({ agrees: 0, mismatch: 4, outage: 0, unverifiable: 0 });
    expect(mismatch).toMatchObject({ app: 'MynaApp', appVersion: '1.4.2', count: 4, others: 0, explanation: 'client_cause' });
    expect(mismatch!.text.ja).toBe(
      'アプリ「MynaApp 1.4.2」は2026-02-01以降に4回「ロック」と表示しましたが、このカードの暗証番号は一度もロックされておらず、このアプリはNFCの読み取り失敗を「ロック」として表示しています。',
    );
    expect(mismatch!.text.en).toBe(
      "The app MynaApp 1.4.2 showed “locked” 4 times since 2026-02-01; the card's slots were never locked; MynaApp 1.4.2 shows a failed NFC read as a lock.",
    );
  });

  const explained: Array<[string, EventForComparison[], Partial<ClientReportRecord>, string, RegExp, RegExp]> = [
    ['nothing reached the card', [issued], {}, 'never_reached', /カードまで届かなかった失敗/, /a failure that never reached the card/],
    ['a malformed entry', [issued, event('2026-02-02T00:04:00Z', { result: 'refused', code: 'PIN_FORMAT' })], {}, 'format', /形式の誤り/, /malformed entry that was never checked/],
    ['a wrong PIN with tries left', [issued, event('2026-02-02T00:04:00Z', { result: 'incorrect', remainingAfter: 1 })], {}, 'tries_left', /残り回数のある/, /wrong PIN with tries still left/],
    ['another slot locked', [issued, event('2026-02-02T00:04:00Z', { slot: 'sign', result: 'incorrect', remainingAfter: 0 })], { slot: 'auth' }, 'other_slot_locked', /署名用電子証明書の暗証番号/, /a lock of a different PIN \(the signing certificate password\)/],
    ['an expired certificate', [issued, event('2026-02-02T00:04:00Z', { result: 'refused', code: 'CERT_EXPIRED' })], {}, 'certificate', /電子証明書の期限切れを「ロック」/, /shows an expired certificate as a lock/],
    ['a security hold', [issued, event('2026-02-02T00:04:00Z', { result: 'refused', code: 'RISK_HOLD' })], {}, 'risk_hold', /セキュリティ上の保留/, /security hold \(not a card lock\)/],
  ];
  it.each(explained)('explains a "locked" shown for %s', (_name, events, over, kind, ja, en) => {
    const { mismatch } = compareClientReports([report('2026-02-02T00:05:00Z', over)], events);
    expect(mismatch?.explanation).toBe(kind);
    expect(mismatch?.text.ja).toMatch(ja);
    expect(mismatch?.text.en).toMatch(en);
    // One sentence each: one full stop at the end.
    expect(mismatch!.text.ja.split('。').length).toBe(2);
    expect(mismatch!.text.en.endsWith('.')).toBe(true);
  });

  it('says "no slot was locked at those times" when the card has been locked before', () => {
    const events = [issued, event('2026-01-05T00:00:00Z', { result: 'incorrect', remainingAfter: 0 }), event('2026-01-06T00:00:00Z', { operation: 'counter_reset', result: 'done' })];
    const { mismatch } = compareClientReports([report('2026-02-02T00:00:00Z')], events);
    expect(mismatch!.text.en).toContain('no slot was locked at those times');
    expect(mismatch!.text.ja).toContain('表示された時点でロックされていた暗証番号はなく');
  });

  it('names the app with the most mismatches and counts the others', () => {
    const reports = [
      report('2026-02-02T00:00:00Z', { app: 'OtherApp', appVersion: '2.0' }),
      report('2026-02-03T00:00:00Z'),
      report('2026-02-04T00:00:00Z'),
      report('2026-02-05T00:00:00Z', { shownCode: 'SERVICE_BUSY' }),
    ];
    const { tally, mismatch } = compareClientReports(reports, [issued]);
    expect(tally).toEqual({ agrees: 0, mismatch: 3, outage: 1, unverifiable: 0 });
    expect(mismatch).toMatchObject({ app: 'MynaApp', count: 2, others: 1 });
    expect(mismatch!.text.ja).toContain('（ほかのアプリや表示でも1回）');
    expect(mismatch!.text.en).toContain('(and 1 more time in other apps or messages)');
  });

  it('names nothing when every report agrees with the record', () => {
    const events = [issued, event('2026-02-02T00:04:00Z', { result: 'incorrect', remainingAfter: 0 })];
    expect(compareClientReports([report('2026-02-02T00:05:00Z')], events)).toEqual({ tally: { agrees: 1, mismatch: 0, outage: 0, unverifiable: 0 }, mismatch: null });
  });

  it('words a mismatch of a shown certificate problem', () => {
    const { mismatch } = compareClientReports([report('2026-02-02T00:05:00Z', { shownCode: 'CERT_EXPIRED' })], [issued]);
    expect(mismatch!.text.en).toBe("The app MynaApp 1.4.2 showed “certificate expired” 1 time since 2026-02-02; the card's record shows no “certificate expired” at those times; MynaApp 1.4.2 shows a failure that never reached the card (such as a failed NFC read) as an expired certificate.");
  });
});
