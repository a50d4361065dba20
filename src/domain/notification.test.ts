import { describe, expect, it } from 'vitest';
import { composeNotification, expiryReminders, notificationForEvent, NOTIFICATION_KINDS, taxSeasonDeadline } from './notification.js';

const base = { slot: 'auth', remainingAfter: null, service: null, firstUseOfService: false } as const;

describe('notificationForEvent', () => {
  it.each([
    [{ ...base, operation: 'verify', result: 'incorrect', remainingAfter: 0 }, 'pin_locked'],
    [{ ...base, operation: 'verify', result: 'incorrect', remainingAfter: 1 }, null],
    [{ ...base, operation: 'verify', result: 'refused', remainingAfter: 0 }, null],
    [{ ...base, operation: 'counter_reset', result: 'done' }, 'pin_reset'],
    [{ ...base, operation: 'kiosk_reset', result: 'success' }, 'pin_reset'],
    [{ ...base, operation: 'suspend', result: 'done', slot: null }, 'card_suspended'],
    [{ ...base, operation: 'restore', result: 'done', slot: null }, 'card_restored'],
    [{ ...base, operation: 'risk_hold', result: 'held' }, 'risk_hold'],
    [{ ...base, operation: 'authenticate', result: 'success', service: 'e-Tax', firstUseOfService: true }, 'new_service_sign_in'],
    [{ ...base, operation: 'authenticate', result: 'success', service: 'e-Tax', firstUseOfService: false }, null],
    [{ ...base, operation: 'verify', result: 'success' }, null],
  ] as const)('%o → %s', (event, kind) => {
    expect(notificationForEvent(event)).toBe(kind);
  });
});

describe('expiryReminders', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
  it('reminds 90 days ahead, then 30 days ahead, each under its own key', () => {
    expect(expiryReminders('c1', days(91), now)).toEqual([]);
    expect(expiryReminders('c1', days(90), now).map((r) => r.kind)).toEqual(['cert_expiry_90']);
    expect(expiryReminders('c1', days(30), now)).toEqual([{ kind: 'cert_expiry_30', dedupeKey: 'expiry30:c1' }]);
    expect(expiryReminders('c1', days(-1), now)).toEqual([]);
  });
  it('in January, reminds of a certificate that ends before the 15 March filing deadline', () => {
    const jan = new Date('2027-01-10T00:00:00Z');
    const r = expiryReminders('c2', new Date('2027-03-10T14:59:59Z'), jan);
    expect(r.map((x) => x.kind)).toEqual(['cert_expiry_90', 'cert_expiry_tax_season']);
    expect(r[1]!.dedupeKey).toBe('tax2027:c2');
    // After the deadline, no season reminder; one ending after it gets none either.
    expect(expiryReminders('c2', new Date('2027-03-20T00:00:00Z'), jan).map((x) => x.kind)).toEqual(['cert_expiry_90']);
    expect(taxSeasonDeadline(new Date('2027-03-16T00:00:00Z'))).toBeNull();
  });
});

describe('composeNotification', () => {
  it.each(NOTIFICATION_KINDS)('%s: Japanese first, English second, no PIN digits or My Number', (kind) => {
    const t = composeNotification(kind, { occurredAt: new Date('2026-03-01T15:30:00Z'), cardTail: 'ab12', slot: 'auth', service: 'e-Tax', certKind: 'sign', notAfter: new Date('2026-03-10T14:59:59Z') });
    expect(t.subject.startsWith('【鍵屋】')).toBe(true);
    expect(t.subject).toContain(' / Kagiya: ');
    expect(t.body.indexOf('----')).toBeGreaterThan(0);
    expect(/[\u3040-\u30ff\u4e00-\u9faf]/.test(t.body.split('----')[0]!)).toBe(true);
    expect(/[\u3040-\u30ff\u4e00-\u9faf]/.test(t.body.split('----')[1]!)).toBe(false);
    expect(t.body).not.toMatch(/\d{12}/);
    expect(t.body).toContain(kind.startsWith('cert_') ? '2026-03-10' : '2026-03-02 00:30');
  });
});
