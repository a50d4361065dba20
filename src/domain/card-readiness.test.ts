import { describe, expect, it } from 'vitest';
import type { CertView } from './card.js';
import { assessReadiness, parseCalendarDate, startOfJstDay, type ReadinessInput } from './card-readiness.js';

const AT = new Date('2026-06-10T03:00:00Z');
const cert = (over: Partial<CertView> = {}): CertView => ({
  status: 'valid',
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2030-03-15T14:59:59Z'),
  serialHex: '01',
  statusChangedAt: null,
  revocationReason: null,
  ...over,
});
const healthy = (): ReadinessInput => ({
  at: AT,
  card: { status: 'active', expiresAt: new Date('2035-03-15T14:59:59Z') },
  slots: { auth: { remaining: 3, max: 3 }, sign: { remaining: 5, max: 5 }, assist: { remaining: 3, max: 3 }, juki: { remaining: 3, max: 3 } },
  certificates: { auth: cert(), sign: cert() },
  openProcedures: [],
});
const codes = (input: ReadinessInput) => assessReadiness(input).problems.map((p) => `${p.severity}:${p.code}:${p.slot ?? p.certificate ?? '-'}`);
const ready = (input: ReadinessInput) => Object.fromEntries(assessReadiness(input).services.map((s) => [s.service, s.ready]));

describe('card readiness', () => {
  it('finds nothing wrong with a healthy card', () => {
    expect(assessReadiness(healthy())).toEqual({ ready: true, services: [{ service: 'etax_filing', ready: true }, { service: 'portal', ready: true }, { service: 'kiosk', ready: true }], problems: [] });
  });

  it.each<[string, (i: ReadinessInput) => ReadinessInput, string[], Record<string, boolean>]>([
    ['locked auth stops everything', (i) => ({ ...i, slots: { ...i.slots, auth: { remaining: 0, max: 3 } } }), ['blocker:PIN_LOCKED:auth'], { etax_filing: false, portal: false, kiosk: false }],
    ['locked sign stops only filing', (i) => ({ ...i, slots: { ...i.slots, sign: { remaining: 0, max: 5 } } }), ['blocker:PIN_LOCKED:sign'], { etax_filing: false, portal: true, kiosk: true }],
    ['locked juki is a warning only', (i) => ({ ...i, slots: { ...i.slots, juki: { remaining: 0, max: 3 } } }), ['warning:PIN_LOCKED:juki'], { etax_filing: true, portal: true, kiosk: true }],
    ['one try left is a warning', (i) => ({ ...i, slots: { ...i.slots, auth: { remaining: 1, max: 3 } } }), ['warning:PIN_TRIES_USED:auth'], { etax_filing: true, portal: true, kiosk: true }],
    ['revoked signing certificate', (i) => ({ ...i, certificates: { ...i.certificates, sign: cert({ status: 'revoked' }) } }), ['blocker:CERT_REVOKED:sign'], { etax_filing: false, portal: true, kiosk: true }],
    ['suspended card', (i) => ({ ...i, card: { ...i.card, status: 'suspended' } }), ['blocker:CARD_SUSPENDED:-'], { etax_filing: false, portal: false, kiosk: false }],
    ['no signing slot (under 15)', (i) => ({ ...i, slots: { ...i.slots, sign: undefined }, certificates: { auth: cert(), sign: null } }), ['blocker:PIN_SLOT_ABSENT:sign'], { etax_filing: false, portal: true, kiosk: true }],
    ['expired authentication certificate', (i) => ({ ...i, certificates: { ...i.certificates, auth: cert({ notAfter: new Date('2026-06-01T14:59:59Z') }) } }), ['blocker:CERT_EXPIRED:auth'], { etax_filing: false, portal: false, kiosk: false }],
    ['certificate expiring in 60 days', (i) => ({ ...i, certificates: { ...i.certificates, auth: cert({ notAfter: new Date('2026-08-09T14:59:59Z') }) } }), ['warning:CERT_EXPIRING_SOON:auth'], { etax_filing: true, portal: true, kiosk: true }],
    ['card expiring within 90 days', (i) => ({ ...i, card: { ...i.card, expiresAt: new Date('2026-07-01T14:59:59Z') } }), ['warning:CARD_EXPIRING_SOON:-'], { etax_filing: true, portal: true, kiosk: true }],
    ['an open counter procedure', (i) => ({ ...i, openProcedures: [{ state: 'letter_issued', deadline: new Date('2026-07-01T14:59:59Z'), slots: ['auth'] }] }), ['warning:PROCEDURE_OPEN:auth'], { etax_filing: true, portal: true, kiosk: true }],
  ])('%s', (_name, change, expected, services) => {
    const input = change(healthy());
    expect(codes(input)).toEqual(expected);
    expect(ready(input)).toEqual(services);
  });

  it('judges expiry as of the date asked about: a certificate ending 23:59:59 JST works that whole day', () => {
    const lastDay = { ...healthy(), at: startOfJstDay(parseCalendarDate('2030-03-15')!) };
    expect(codes(lastDay)).toEqual(['warning:CERT_EXPIRING_SOON:auth', 'warning:CERT_EXPIRING_SOON:sign']);
    const dayAfter = { ...healthy(), at: startOfJstDay(parseCalendarDate('2030-03-16')!) };
    expect(codes(dayAfter)).toEqual(['blocker:CERT_EXPIRED:auth', 'blocker:CERT_EXPIRED:sign']);
  });

  it('reads only real calendar dates', () => {
    expect(parseCalendarDate('2027-02-29')).toBeNull();
    expect(parseCalendarDate('2028-02-29')).toEqual({ y: 2028, m: 2, d: 29 });
    expect(parseCalendarDate('2027-3-15')).toBeNull();
    expect(startOfJstDay({ y: 2027, m: 3, d: 15 }).toISOString()).toBe('2027-03-14T15:00:00.000Z');
  });
});
