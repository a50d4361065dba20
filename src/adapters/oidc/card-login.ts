import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { authenticateCard } from '../../app/authenticate-card.js';
import { fail, ok, type Outcome } from '../../app/outcome.js';
import type { AppDeps, EventContext } from '../../app/ports.js';
import { signDigest } from '../../app/sign-digest.js';
import { cardState } from '../../domain/card.js';
import { certificateRefusal, currentCertificateStatus } from '../../app/certificate-status.js';
import type { CertKind } from '../../domain/pin-slot.js';
import { normalizePin } from '../../domain/pin-format.js';
import { verifyWithCertificate } from '../pki/card-signer.js';

// Login with the card, as the identity provider does it (issue #9): the card file proves possession, the `auth` PIN
// (through the one shared PIN path, attemptPin, inside authenticateCard) opens the authentication key, the key signs
// a challenge Kagiya has just drawn, and Kagiya checks that signature against the certificate and the certificate's
// current state. With the signing scope the `sign` password opens the signing key the same way, and its certificate
// is what the four attributes are read from.

export const ACR_CARD = 'urn:kagiya:acr:card-auth';
export const ACR_CARD_SIGN = 'urn:kagiya:acr:card-auth+sign';

export type CardFile = Readonly<{ cardId: string; cardKey: string }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The card file as uploaded or pasted: `{ "cardId": "…", "cardKey": "…" }`. Anything else is no card file. */
export function parseCardFile(text: string): CardFile | null {
  if (text.length === 0 || text.length > 4096) return null;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const { cardId, cardKey } = value as Record<string, unknown>;
    if (typeof cardId !== 'string' || !UUID.test(cardId) || typeof cardKey !== 'string' || cardKey.length === 0 || cardKey.length > 128) return null;
    return { cardId: cardId.toLowerCase(), cardKey };
  } catch {
    return null;
  }
}

/**
 * The certificate that signed must be the card's current one of that kind, and valid now (not suspended, revoked or
 * expired), on a card that is itself active. Issue-9-pki's shared certificate-status function replaces the read of
 * the card store here when it lands; the answer's meaning stays the same.
 */
async function checkCertificate(deps: AppDeps, cardId: string, kind: CertKind, der: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<Outcome<true>> {
  if (!verifyWithCertificate(der, data, signature)) return fail('CARD_REJECTED', { reason: 'SIGNATURE' });
  const serial = normalSerial(new X509Certificate(der).serialNumber);
  const overview = await deps.cards.overview(cardId);
  if (!overview) return fail('CARD_REJECTED');
  const now = deps.clock();
  const card = cardState(overview.card.status, overview.card.expiresAt, now);
  if (card === 'revoked') return fail('CARD_REVOKED');
  if (card === 'suspended') return fail('CARD_SUSPENDED');
  if (card === 'expired') return fail('CARD_EXPIRED');
  const cert = overview.certificates[kind] ?? null;
  if (!cert || normalSerial(cert.serialHex) !== serial) return fail('CERT_REVOKED', { slot: kind, reason: 'NOT_CURRENT' });
  // The same answer the OCSP responder gives a relying service (app/certificate-status.ts): they can never disagree.
  const refusal = certificateRefusal(await currentCertificateStatus(deps, { serialHex: serial }));
  if (refusal === 'CARD_REJECTED') return fail('CARD_REJECTED');
  if (refusal) return fail(refusal, { slot: kind });
  return ok(true);
}

const normalSerial = (hex: string) => hex.toLowerCase().replace(/^0+/, '');

export async function loginWithCard(
  deps: AppDeps,
  input: {
    card: CardFile;
    authPin: string;
    signPin: string | null;
    context: EventContext;
    /** The slots whose last try the person confirmed on the login page (issue #11, last-try guard). */
    confirmLastTry?: Readonly<{ auth?: boolean; sign?: boolean }>;
  },
): Promise<Outcome<{ cardId: string; acr: string }>> {
  // A malformed signing password is refused before the auth PIN is tried, so a typo spends nothing anywhere.
  if (input.signPin !== null) {
    const sign = normalizePin('sign', input.signPin);
    if (sign.kind !== 'ok') return fail('PIN_FORMAT', { slot: 'sign', reason: sign.reason, triesSpent: 0 });
  }
  const challenge = randomBytes(32);
  const auth = await authenticateCard(deps, { ...input.card, pin: input.authPin, challenge, context: input.context, confirmLastTry: input.confirmLastTry?.auth === true });
  if (!auth.ok) return auth;
  const authChecked = await checkCertificate(deps, input.card.cardId, 'auth', auth.value.certificate, challenge, auth.value.signature);
  if (!authChecked.ok) return authChecked;
  if (input.signPin === null) return ok({ cardId: input.card.cardId, acr: ACR_CARD });

  const preimage = randomBytes(32);
  const digest = createHash('sha256').update(preimage).digest();
  const signed = await signDigest(deps, { ...input.card, pin: input.signPin, digest, context: input.context, confirmLastTry: input.confirmLastTry?.sign === true });
  if (!signed.ok) return signed;
  const signChecked = await checkCertificate(deps, input.card.cardId, 'sign', signed.value.certificate, preimage, signed.value.signature);
  if (!signChecked.ok) return signChecked;
  return ok({ cardId: input.card.cardId, acr: ACR_CARD_SIGN });
}
