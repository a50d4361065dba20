import type { GateRefusal } from '../domain/card.js';
import type { ErrorCode } from '../domain/errors.js';
import { normalizePin } from '../domain/pin-format.js';
import type { PinSlot } from '../domain/pin-slot.js';
import { sourceKeyOf } from '../domain/risk.js';
import { fail, ok, type Outcome } from './outcome.js';
import { afterFailedEntry } from './risk-detection.js';
import type { AppDeps, EventContext } from './ports.js';

export type CardAccess = Readonly<{ cardId: string; cardKey: string }>;

export type PinAttemptInput = CardAccess &
  Readonly<{
    slot: PinSlot;
    pin: string;
    operation: string;
    context: EventContext;
    /**
     * The person confirmed spending the slot's last try (issue #11, last-try guard). Absent means no: at one try left
     * the entry is refused with LAST_TRY_CONFIRMATION_REQUIRED and spends nothing, whatever was typed. Only a person
     * answering a question may set it; the card on a reader sets it always (a card cannot ask).
     */
    confirmLastTry?: boolean;
  }>;

export type AcceptedPin = Readonly<{ slot: PinSlot; remaining: number; cardId: string; eventId: number }>;

/** The refusals the statement can record, in their precedence (docs/decisions.md); anything else is our fault. */
const REFUSALS: ReadonlySet<string> = new Set<GateRefusal | 'RISK_HOLD' | 'PIN_FORMAT' | 'LAST_TRY_CONFIRMATION_REQUIRED'>([
  'CARD_REVOKED',
  'CARD_SUSPENDED',
  'CARD_EXPIRED',
  'PIN_SLOT_ABSENT',
  'CERT_REVOKED',
  'CERT_SUSPENDED',
  'CERT_EXPIRED',
  'PIN_LOCKED',
  'RISK_HOLD',
  'PIN_FORMAT',
  'LAST_TRY_CONFIRMATION_REQUIRED',
]);

/**
 * Every PIN entry, whatever operation it opens, goes through here (DOMAIN.md §1 "no answer without a durable
 * spend"): the entry is normalised and its keyed hash computed first; then ONE statement gates the card,
 * certificate and slot, compares, restores or spends, and records the event with its final result. The answer is
 * built only from what that statement committed. A malformed entry is sent as no hash at all: it spends nothing,
 * yet a locked slot still answers PIN_LOCKED, the same whatever was typed.
 */
export async function attemptPin(deps: AppDeps, input: PinAttemptInput): Promise<Outcome<AcceptedPin>> {
  const { cardId, slot, operation, context } = input;
  const normalized = normalizePin(slot, input.pin);
  const pinHash = normalized.kind === 'ok' ? deps.pinHasher.hash(cardId, slot, normalized.pin) : null;
  const sourceKey = sourceKeyOf({ address: context.address ?? null, service: context.service, terminal: context.terminal });
  const gate = deps.sourceGate ?? ((_key, work) => work());
  return gate(sourceKey, () => enter(deps, input, pinHash, normalized.kind === 'format' ? normalized.reason : 'EMPTY', sourceKey));
}

async function enter(deps: AppDeps, input: PinAttemptInput, pinHash: Uint8Array | null, formatReason: string, sourceKey: string | null): Promise<Outcome<AcceptedPin>> {
  const { cardId, slot, operation, context } = input;
  const now = deps.clock();
  const done = await deps.cards.attempt({
    cardId,
    keyHash: deps.secrets.hashCardKey(input.cardKey),
    slot,
    pinHash,
    confirmLastTry: input.confirmLastTry === true,
    operation,
    context,
    now,
  });
  if (!done) return noRow(deps, sourceKey, now);

  if (done.result === 'success') return ok({ slot, remaining: done.remaining ?? 0, cardId, eventId: done.eventId });
  if (done.result === 'incorrect') {
    await detectAfterFailure(deps, cardId, context, now);
    const remaining = done.remaining ?? 0;
    // The entry that spends the last try locks the slot; say so rather than "0 tries left" (the card's 63 C0).
    if (remaining === 0) return fail('PIN_LOCKED', { slot, remaining: 0, lockedNow: true });
    return fail('PIN_INCORRECT', { slot, remaining });
  }
  const code = done.code ?? '';
  if (!REFUSALS.has(code)) throw new Error(`pin attempt recorded an unknown refusal ${JSON.stringify(code)}`);
  if (code === 'PIN_FORMAT') {
    return fail('PIN_FORMAT', { slot, reason: formatReason, triesSpent: 0 });
  }
  if (code === 'LAST_TRY_CONFIRMATION_REQUIRED') return fail(code, { slot, remaining: 1, triesSpent: 0 });
  return fail(code as ErrorCode, { slot });
}

/**
 * No row: an unknown card or a wrong key — or a blocked source, which the statement also turns away before it
 * touches any card (card-attempt.sql.ts). One probe, only on this rare path, tells them apart: a blocked source is
 * told so (SOURCE_BLOCKED, no try used, not a lock) whatever card it named, so it learns nothing about the card.
 */
async function noRow(deps: AppDeps, sourceKey: string | null, now: Date): Promise<Outcome<AcceptedPin>> {
  const block = sourceKey ? await deps.risk.refuseIfBlocked(sourceKey, now) : null;
  if (!block) return fail('CARD_REJECTED');
  const retryAfterSeconds = Math.max(1, Math.ceil((block.blockedUntil.getTime() - now.getTime()) / 1000));
  return fail('SOURCE_BLOCKED', { blockedUntil: block.blockedUntil.toISOString(), retryAfterSeconds, triesSpent: 0 });
}

/** Risk detection after a committed failure; its own fault never changes the answer the entry earned. */
async function detectAfterFailure(deps: AppDeps, cardId: string, context: EventContext, now: Date): Promise<void> {
  try {
    await afterFailedEntry(deps, { cardId, context, now });
  } catch {
    // The entry is durable and its answer is the truth; a missed detection is caught by the next failure.
  }
}
