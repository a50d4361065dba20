import type { AppDeps } from '../../app/ports.js';
import { certState } from '../../domain/card.js';
import { readHolderFromSigningCertificate } from '../pki/card-certificates.js';

/**
 * What a relying service learns about the card holder: `sub` alone (pairwise, filled in by the provider) for a login;
 * the four attributes read from the signing certificate (DOMAIN.md §2) only under `jpki_sign_attributes`, and only
 * while that certificate is valid — a revoked one (moved house) releases nothing.
 */
export async function accountClaims(deps: AppDeps, cardId: string, scope: string): Promise<Record<string, unknown>> {
  const claims: Record<string, unknown> = { sub: cardId };
  if (!scope.split(' ').includes('jpki_sign_attributes')) return claims;
  const overview = await deps.cards.overview(cardId);
  const cert = overview?.certificates.sign ?? null;
  if (certState(cert, deps.clock()) !== 'valid') return claims;
  const key = await deps.cards.certificateKey(cardId, 'sign');
  if (!key) return claims;
  const holder = readHolderFromSigningCertificate(key.der);
  return { ...claims, name: holder.name, address: { formatted: holder.address }, birthdate: holder.birthDate, sex: holder.sex };
}
