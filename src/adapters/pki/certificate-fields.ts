// Small helpers shared by the CA and card certificate builders.

import { randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';

export const SERIAL_BYTES = 16;

/**
 * A random certificate serial: exactly 16 octets, positive, non-zero leading octet.
 * RFC 5280 §4.1.2.2: positive, unique per CA, at most 20 octets. Clearing the top bit keeps the
 * DER INTEGER positive without a 0x00 pad, and setting the next bit keeps it exactly 16 octets,
 * so the hex form is always 32 characters and equals what X.509 parsers print (126 random bits,
 * so collisions are negligible).
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(SERIAL_BYTES);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/**
 * X.509 validity times have one-second resolution (RFC 5280 §4.1.2.5: UTCTime/GeneralizedTime
 * "MUST include seconds", no fractions). Truncating here lets callers know exactly what was encoded.
 */
export function toWholeSecond(date: Date): Date {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid date');
  return new Date(Math.floor(ms / 1000) * 1000);
}

/** A copy in its own ArrayBuffer, the shape @peculiar/asn1-schema wants for raw bytes. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

/**
 * A certificate's serial as lowercase hex without leading zero octets, the form `currentCertificateStatus`
 * (app/certificate-status.ts) looks up. Throws on DER that is not a certificate.
 */
export function serialHexOf(certDer: Uint8Array): string {
  const serial = new Uint8Array(AsnConvert.parse(certDer, Certificate).tbsCertificate.serialNumber);
  let start = 0;
  while (start < serial.length - 1 && serial[start] === 0) start += 1;
  return Buffer.from(serial.subarray(start)).toString('hex');
}
