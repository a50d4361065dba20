import { describe, expect, it } from 'vitest';
import type { CertView } from './card.js';
import { kioskResetRefusal, otherCertificateSlot, reservationVerdict, type KioskResetCard } from './kiosk-reset.js';

const NOW = new Date('2026-06-10T03:00:00Z');
const cert = (over: Partial<CertView> = {}): CertView => ({ status: 'valid', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z'), serialHex: '01', statusChangedAt: null, revocationReason: null, ...over });
const card = (over: Partial<KioskResetCard> = {}): KioskResetCard => ({
  status: 'active',
  expiresAt: new Date('2035-01-01T00:00:00Z'),
  slots: { auth: { remaining: 3 }, sign: { remaining: 0 } },
  certificates: { auth: cert(), sign: cert() },
  ...over,
});

describe('kiosk reset rules (DOMAIN.md §4)', () => {
  it('asks for the other certificate PIN', () => {
    expect(otherCertificateSlot('sign')).toBe('auth');
    expect(otherCertificateSlot('auth')).toBe('sign');
  });

  it.each<[string, KioskResetCard, Parameters<typeof kioskResetRefusal>[3], string | null]>([
    ['a locked sign PIN with a valid card and a face match', card(), 'matched', null],
    ['both certificate PINs locked', card({ slots: { auth: { remaining: 0 }, sign: { remaining: 0 } } }), 'matched', 'KIOSK_RESET_BOTH_LOCKED'],
    ['a failed face match', card(), 'not_matched', 'KIOSK_RESET_FACE_MISMATCH'],
    ['a revoked signing certificate', card({ certificates: { auth: cert(), sign: cert({ status: 'revoked' }) } }), 'matched', 'KIOSK_RESET_CERT_INVALID'],
    ['a suspended authentication certificate', card({ certificates: { auth: cert({ status: 'suspended' }), sign: cert() } }), 'matched', 'KIOSK_RESET_CERT_INVALID'],
    ['an expired certificate', card({ certificates: { auth: cert({ notAfter: new Date('2026-01-01T00:00:00Z') }), sign: cert() } }), 'matched', 'KIOSK_RESET_CERT_INVALID'],
    ['a suspended card', card({ status: 'suspended' }), 'matched', 'CARD_SUSPENDED'],
    ['no signing slot', card({ slots: { auth: { remaining: 3 } } }), 'matched', 'PIN_SLOT_ABSENT'],
    ['at the kiosk (no face match asked)', card(), undefined, null],
  ])('%s', (_name, c, face, expected) => {
    expect(kioskResetRefusal(c, 'sign', NOW, face)?.code ?? null).toBe(expected);
  });

  it('uses a reservation once, within 24 hours', () => {
    const r = { id: 'r1', slot: 'sign' as const, createdAt: NOW, expiresAt: new Date(NOW.getTime() + 86_400_000), usedAt: null };
    expect(reservationVerdict(null, NOW)).toEqual({ kind: 'refused', code: 'KIOSK_RESET_NOT_RESERVED' });
    expect(reservationVerdict(r, NOW).kind).toBe('open');
    expect(reservationVerdict(r, r.expiresAt)).toEqual({ kind: 'refused', code: 'KIOSK_RESET_EXPIRED' });
    expect(reservationVerdict({ ...r, usedAt: NOW }, NOW)).toEqual({ kind: 'refused', code: 'KIOSK_RESET_USED' });
  });
});
