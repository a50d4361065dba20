import { Secret, TOTP } from 'otpauth';
import type { TotpVerifier } from '../../app/counter-ports.js';

// RFC 6238 TOTP: SHA-1, 6 digits, 30-second steps, as every authenticator app expects.
const PERIOD = 30;

export function createTotpVerifier(): TotpVerifier {
  return {
    newSecret: () => new Secret({ size: 20 }).base32,
    verify(secret, code, now) {
      if (!/^\d{6}$/.test(code)) return null;
      const totp = new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD, digits: 6, algorithm: 'SHA1' });
      const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
      if (delta === null) return null;
      return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
    },
  };
}

/** The current code for a secret: the demo's helper for signing in, and the tests'. */
export function currentTotp(secret: string, now: Date = new Date()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD, digits: 6, algorithm: 'SHA1' }).generate({ timestamp: now.getTime() });
}

export function totpUri(secret: string, label: string): string {
  return new TOTP({ issuer: 'Kagiya', label, secret: Secret.fromBase32(secret), period: PERIOD, digits: 6, algorithm: 'SHA1' }).toString();
}
