import { describe, expect, it } from 'vitest';
import { certificateRefusal, currentCertificateStatus, normalizeSerialHex, type CertificateStatusRecord } from './certificate-status.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const BASE: CertificateStatusRecord = {
  caId: 'jpki-auth-ecdsa-p256',
  kind: 'auth',
  cardId: 'c1',
  serialHex: '4a1b',
  status: 'valid',
  statusChangedAt: null,
  crlReason: null,
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2030-01-01T00:00:00Z'),
};

function depsWith(record: CertificateStatusRecord | null, at = NOW) {
  const asked: string[] = [];
  return {
    asked,
    deps: { clock: () => at, certificateStatuses: { findBySerial: async (s: string) => (asked.push(s), record && record.serialHex === s ? record : null) } },
  };
}

describe('current certificate status', () => {
  it('compares serials as integers: case and leading zero octets do not matter', () => {
    expect(normalizeSerialHex('004A1B')).toBe('4a1b');
    expect(normalizeSerialHex('4a1b')).toBe('4a1b');
    expect(normalizeSerialHex('0')).toBe('00');
    expect(normalizeSerialHex('xyz')).toBeNull();
    expect(normalizeSerialHex('')).toBeNull();
  });

  it('is good for a valid certificate, and refuses nothing inside its validity', async () => {
    const report = await currentCertificateStatus(depsWith(BASE).deps, { serialHex: '004a1b' });
    expect(report.status).toEqual({ state: 'good' });
    expect(certificateRefusal(report)).toBeNull();
  });

  it('publishes a suspension as revoked on hold (certificateHold), refused as CERT_SUSPENDED, never as a lock', async () => {
    const at = new Date('2026-05-01T00:00:00Z');
    const report = await currentCertificateStatus(depsWith({ ...BASE, status: 'suspended', statusChangedAt: at }).deps, { serialHex: '4a1b' });
    expect(report.status).toEqual({ state: 'revoked', revokedAt: at, reason: 'certificateHold' });
    expect(certificateRefusal(report)).toBe('CERT_SUSPENDED');
  });

  it('publishes a revocation with its reason, refused as CERT_REVOKED', async () => {
    const at = new Date('2026-05-01T00:00:00Z');
    const report = await currentCertificateStatus(depsWith({ ...BASE, status: 'revoked', statusChangedAt: at, crlReason: 'affiliationChanged' }).deps, { serialHex: '4a1b' });
    expect(report.status).toEqual({ state: 'revoked', revokedAt: at, reason: 'affiliationChanged' });
    expect(certificateRefusal(report)).toBe('CERT_REVOKED');
  });

  it('is unknown for a serial never issued, or issued by another CA than the one asked about', async () => {
    expect((await currentCertificateStatus(depsWith(BASE).deps, { serialHex: '7777' })).status).toEqual({ state: 'unknown' });
    const other = await currentCertificateStatus(depsWith(BASE).deps, { serialHex: '4a1b', caId: 'jpki-sign-ecdsa-p256' });
    expect(other.status).toEqual({ state: 'unknown' });
    expect(certificateRefusal(other)).toBe('CARD_REJECTED');
  });

  it('does not look up a serial that is not hex', async () => {
    const { deps, asked } = depsWith(BASE);
    expect((await currentCertificateStatus(deps, { serialHex: "4a1b' or 1=1" })).status.state).toBe('unknown');
    expect(asked).toEqual([]);
  });

  it('refuses a good certificate outside its validity as CERT_EXPIRED', async () => {
    const report = await currentCertificateStatus(depsWith(BASE, new Date('2030-01-01T00:00:00Z')).deps, { serialHex: '4a1b' });
    expect(report.status.state).toBe('good');
    expect(certificateRefusal(report)).toBe('CERT_EXPIRED');
  });
});
