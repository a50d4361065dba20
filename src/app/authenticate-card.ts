import { fail, ok, type Outcome } from './outcome.js';
import { attemptPin, type CardAccess } from './pin-attempt.js';
import type { AppDeps, EventContext } from './ports.js';

export const MAX_CHALLENGE_BYTES = 1024;

/**
 * Login with the card (DOMAIN.md §5): the `auth` PIN opens the authentication key, which signs the relying
 * service's challenge. The answer carries the certificate so the service can check it and its status.
 */
export async function authenticateCard(
  deps: AppDeps,
  input: CardAccess & { pin: string; challenge: Uint8Array; context: EventContext; confirmLastTry?: boolean },
): Promise<Outcome<{ signature: Uint8Array; certificate: Uint8Array; algorithm: string }>> {
  // Checked before the PIN so that a bad request spends no try.
  if (input.challenge.length < 16 || input.challenge.length > MAX_CHALLENGE_BYTES) {
    return fail('INVALID_REQUEST', { field: 'challenge', reason: `16 to ${MAX_CHALLENGE_BYTES} bytes` });
  }
  const verified = await attemptPin(deps, { ...input, slot: 'auth', operation: 'authenticate' });
  if (!verified.ok) return verified;
  const key = await deps.cards.certificateKey(input.cardId, 'auth');
  if (!key) return fail('PIN_SLOT_ABSENT', { slot: 'auth' });
  const signature = await deps.pki.signChallenge(key, input.challenge);
  return ok({ signature, certificate: key.der, algorithm: key.algorithm });
}
