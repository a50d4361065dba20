import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, Sex } from './ports.js';

// The resident's record as the municipality holds it (住民票), for a certificate-issuing service the holder logged
// in to with the card (the convenience-store kiosk): the card named by the access token leads to its resident.
// Only a usable card leads anywhere; every release is audited with the service that asked (DOMAIN.md §5: konbini
// issuance uses the auth certificate). The My Number is never part of it.

export type ResidentRecord = Readonly<{
  name: string;
  nameKana: string;
  birthDate: string;
  sex: Sex;
  address: string;
  municipalityCode: string;
  municipalityNameJa: string;
  municipalityNameEn: string;
}>;

export type MunicipalityNames = (code: string) => Promise<{ nameJa: string; nameEn: string } | null>;

export async function residentRecord(
  deps: AppDeps & Readonly<{ municipalityName: MunicipalityNames }>,
  input: { cardId: string; clientId: string },
): Promise<Outcome<ResidentRecord>> {
  const card = await deps.cards.findCard(input.cardId);
  const resident = card && (await deps.residents.findById(card.residentId));
  if (!card || !resident) return fail('NOT_FOUND', { resource: 'card' });
  if (card.status === 'revoked') return fail('CARD_REVOKED');
  if (card.status === 'suspended') return fail('CARD_SUSPENDED');
  if (card.expiresAt <= deps.clock()) return fail('CARD_EXPIRED');
  const municipality = await deps.municipalityName(resident.municipalityCode);
  if (!municipality) return fail('NOT_FOUND', { resource: 'municipality' });
  await deps.audit({
    actor: { id: `service:${input.clientId}`, role: 'relying_service' },
    action: 'resident.record.release',
    target: { type: 'resident', id: resident.id, municipalityCode: resident.municipalityCode },
    detail: { cardId: card.id, service: input.clientId },
  });
  return ok({
    name: resident.name,
    nameKana: resident.nameKana,
    birthDate: resident.birthDate,
    sex: resident.sex,
    address: resident.address,
    municipalityCode: resident.municipalityCode,
    municipalityNameJa: municipality.nameJa,
    municipalityNameEn: municipality.nameEn,
  });
}
