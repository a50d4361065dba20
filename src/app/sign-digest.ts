import { fail, ok, type Outcome } from './outcome.js';
import { attemptPin, type CardAccess } from './pin-attempt.js';
import type { AppDeps, EventContext } from './ports.js';

/**
 * Electronic signature (DOMAIN.md §5): the `sign` password opens the signing key, which signs a SHA-256 digest
 * the caller computed, as the card's COMPUTE DIGITAL SIGNATURE does (jpki-facts §6.3).
 */
export async function signDigest(
  deps: AppDeps,
  input: CardAccess & { pin: string; digest: Uint8Array; context: EventContext; confirmLastTry?: boolean },
): Promise<Outcome<{ signature: Uint8Array; certificate: Uint8Array; algorithm: string }>> {
  if (input.digest.length !== 32) return fail('INVALID_REQUEST', { field: 'digest', reason: 'a 32-byte SHA-256 digest' });
  const verified = await attemptPin(deps, { ...input, slot: 'sign', operation: 'sign' });
  if (!verified.ok) return verified;
  const key = await deps.cards.certificateKey(input.cardId, 'sign');
  if (!key) return fail('PIN_SLOT_ABSENT', { slot: 'sign' });
  const signature = await deps.pki.signDigest(key, input.digest);
  return ok({ signature, certificate: key.der, algorithm: key.algorithm });
}
