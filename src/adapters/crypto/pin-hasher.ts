import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PinSlot } from '../../domain/pin-slot.js';
import type { PinHasher } from '../../app/ports.js';

/**
 * Keyed hash of a PIN (DOMAIN.md §1). The 4-digit space is 10,000 values, so a slow hash buys nothing: what
 * protects a stolen table is the pepper, kept outside the database. Binding the card and slot stops one card's
 * hash from matching the same PIN on another card.
 */
export function createPinHasher(pepper: Uint8Array): PinHasher {
  const hash = (cardId: string, slot: PinSlot, pin: string): Uint8Array =>
    createHmac('sha256', pepper).update(`kagiya-pin:v1:${cardId}:${slot}:${pin}`).digest();
  return {
    hash,
    matches(cardId, slot, pin, stored) {
      const candidate = hash(cardId, slot, pin);
      return stored.length === candidate.length && timingSafeEqual(candidate, stored);
    },
  };
}
