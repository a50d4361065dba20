import { actsIn, mayOperateCards, type Actor } from '../domain/actor.js';
import { cardExpiry, certificateExpiry, jstDate, signingCertificateAllowed } from '../domain/card-validity.js';
import { PIN_SLOTS, SLOT_SPECS, type CertKind, type PinSlot } from '../domain/pin-slot.js';
import { validateNewPin } from '../domain/weak-pin.js';
import { loadHolder } from './load-holder.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, CardKeyAlgorithm, EventContext, NewCertificateRow } from './ports.js';
import { revokeCard } from './change-card-status.js';

export type IssueCardInput = Readonly<{
  residentId: string;
  pins: Readonly<Partial<Record<PinSlot, string>>>;
  /** Per card; absent means the system default. A card that goes to a reader needs RSA-2048. */
  keyAlgorithm?: CardKeyAlgorithm;
}>;
export type CardFile = Readonly<{ cardId: string; cardKey: string }>;

/**
 * Issues a card (DOMAIN.md §1–2): four PINs (no `sign` slot for under-15s or adult wards), two key pairs and
 * certificates, expiry by the birthday rules. The card key is returned once and only its hash is kept.
 * A reissue revokes the resident's earlier cards.
 */
export async function issueCard(deps: AppDeps, actor: Actor, input: IssueCardInput, context: EventContext): Promise<Outcome<CardFile>> {
  if (!mayOperateCards(actor)) return fail('FORBIDDEN');
  const holder = await loadHolder(deps.vault, deps.residents, input.residentId);
  // Another municipality's resident is reported as absent, not forbidden: staff must not learn who lives elsewhere.
  if (!holder || !actsIn(actor, holder.resident.municipalityCode)) return fail('NOT_FOUND', { resource: 'resident' });
  const { resident, pinContext } = holder;

  const now = deps.clock();
  const today = jstDate(now);
  const withSign = signingCertificateAllowed(resident.birthDate, today, resident.adultWard);
  const slots = PIN_SLOTS.filter((slot) => slot !== 'sign' || withSign);
  if (!withSign && input.pins.sign !== undefined) {
    return fail('INVALID_REQUEST', { field: 'pins.sign', reason: 'no signing certificate is issued to under-15s or adult wards' });
  }

  const cardId = deps.secrets.newId();
  const pinRows: { slot: PinSlot; pinHash: Uint8Array; maxTries: number }[] = [];
  for (const slot of slots) {
    const raw = input.pins[slot];
    if (raw === undefined) return fail('INVALID_REQUEST', { field: `pins.${slot}`, reason: 'required' });
    const checked = validateNewPin(slot, raw, pinContext);
    if (checked.kind === 'format') return fail('PIN_FORMAT', { slot, reason: checked.reason, triesSpent: 0 });
    if (checked.kind === 'weak') return fail('PIN_WEAK', { slot, rule: checked.rule });
    pinRows.push({ slot, pinHash: deps.pinHasher.hash(cardId, slot, checked.pin), maxTries: SLOT_SPECS[slot].maxTries });
  }

  const expiresAt = cardExpiry(resident.birthDate, today);
  const notAfter = certificateExpiry({ birthDate: resident.birthDate, issuedOn: today, cardExpiresAt: expiresAt });
  const kinds: CertKind[] = withSign ? ['auth', 'sign'] : ['auth'];
  const algorithm = input.keyAlgorithm ?? deps.pki.algorithm;
  const certificates: NewCertificateRow[] = [];
  for (const kind of kinds) {
    const issued = await deps.pki.issue({ kind, holder: resident, notBefore: now, notAfter, algorithm });
    certificates.push({ id: deps.secrets.newId(), kind, serialHex: issued.serialHex, der: issued.der, sealedKey: issued.sealedKey, notBefore: now, notAfter, caId: issued.caId });
  }

  const cardKey = deps.secrets.newCardKey();
  // The new card, its audit entry and the revocation of every earlier card commit together, or none of it.
  return deps.atomically(async (tx) => {
    const earlierCards = await tx.cards.cardIdsOfResident(resident.id);
    await tx.cards.insertCard(
      {
        id: cardId,
        residentId: resident.id,
        keyHash: deps.secrets.hashCardKey(cardKey),
        issuedAt: now,
        expiresAt,
        keyAlgorithm: algorithm,
        slots: pinRows,
        certificates,
      },
      { cardId, occurredAt: now, operation: 'issue', slot: null, result: 'done', code: null, context: { ...context, actor: actor.id } },
    );
    await tx.audit({
      actor,
      action: 'card.issued',
      target: { type: 'card', id: cardId, municipalityCode: resident.municipalityCode },
      detail: { residentId: resident.id, slots, keyAlgorithm: algorithm, reissueOf: earlierCards },
    });
    for (const earlier of earlierCards) {
      const revoked = await revokeCard(tx, actor, { cardId: earlier, reason: 'reissued', cause: 'reissued' }, context);
      // An earlier card already revoked stays so (CONFLICT); anything else undoes the whole issuance.
      if (!revoked.ok && revoked.code !== 'CONFLICT') throw new Error(`revoking earlier card failed: ${revoked.code}`);
    }
    return ok<CardFile>({ cardId, cardKey });
  });
}
