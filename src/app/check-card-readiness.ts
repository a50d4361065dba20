import { certState, cardState, type CardState, type CertState } from '../domain/card.js';
import { explainProblem, SERVICE_WORDS } from '../domain/card-readiness-messages.js';
import {
  assessReadiness,
  jstDateOf,
  parseCalendarDate,
  startOfJstDay,
  type ReadinessProblem,
  type ReadinessService,
} from '../domain/card-readiness.js';
import { PIN_SLOTS, type CertKind, type PinSlot } from '../domain/pin-slot.js';
import type { OpenProcedure, ReadinessDeps } from './kiosk-reset-ports.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { CardOverview } from './ports.js';

// The readiness check (issue 11 item 2): reads the card as stored and judges it, now or on a date; it never goes
// near the PIN-entry statement, so it cannot spend a try or write an event.

type Words = Readonly<{ ja: string; en: string }>;

export type ReadinessReport = Readonly<{
  cardId: string;
  /** The JST calendar date judged. */
  on: string;
  evaluatedAt: Date;
  ready: boolean;
  services: ReadonlyArray<{ service: ReadinessService; ready: boolean; name: Words }>;
  problems: ReadonlyArray<ReadinessProblem & { message: Words; action: Words }>;
  card: { status: CardState; expiresAt: Date };
  pins: Readonly<Record<PinSlot, { remaining: number; max: number; locked: boolean } | null>>;
  certificates: Readonly<Record<CertKind, { status: CertState; notAfter: Date | null }>>;
  openProcedures: readonly OpenProcedure[];
  municipality: { code: string; nameJa: string; nameEn: string };
  guidanceUrl: string;
}>;

/** The furthest date a holder may ask about: a card lives at most 10 years. */
const MAX_YEARS_AHEAD = 11;

const dayWords = (d: Date): Words => {
  const jst = jstDateOf(d);
  const [y, m, dd] = jst.split('-').map(Number);
  return { ja: `${y}年${m}月${dd}日`, en: jst };
};

/**
 * `on` (YYYY-MM-DD, JST): judge the card as of 00:00 JST that day; today or none: as of now. A date in the past
 * or more than 11 years ahead is refused (INVALID_REQUEST, field `on`).
 */
export function readinessInstant(now: Date, on: string | undefined): Outcome<{ at: Date; on: string }> {
  const today = jstDateOf(now);
  if (on === undefined || on === today) return ok({ at: now, on: today });
  const date = parseCalendarDate(on);
  if (!date) return fail('INVALID_REQUEST', { field: 'on', reason: 'not_a_date' });
  if (on < today) return fail('INVALID_REQUEST', { field: 'on', reason: 'in_the_past' });
  if (date.y > Number(today.slice(0, 4)) + MAX_YEARS_AHEAD) return fail('INVALID_REQUEST', { field: 'on', reason: 'too_far_ahead' });
  return ok({ at: startOfJstDay(date), on });
}

export async function checkCardReadiness(
  deps: ReadinessDeps,
  input: { overview: CardOverview; on?: string | undefined },
): Promise<Outcome<ReadinessReport>> {
  const { overview } = input;
  const when = readinessInstant(deps.clock(), input.on);
  if (!when.ok) return when;
  const { at, on } = when.value;
  const resident = await deps.residents.findById(overview.card.residentId);
  if (!resident) return fail('NOT_FOUND', { resource: 'card' });
  const [procedures, m] = await Promise.all([deps.openProcedures(resident.id), deps.municipalityName(resident.municipalityCode)]);

  const verdict = assessReadiness({
    at,
    card: { status: overview.card.status, expiresAt: overview.card.expiresAt },
    slots: overview.slots,
    certificates: { auth: overview.certificates.auth ?? null, sign: overview.certificates.sign ?? null },
    openProcedures: procedures,
  });
  const pins = Object.fromEntries(
    PIN_SLOTS.map((slot) => {
      const s = overview.slots[slot];
      return [slot, s ? { remaining: s.remaining, max: s.max, locked: s.remaining <= 0 } : null];
    }),
  ) as ReadinessReport['pins'];
  const cert = (kind: CertKind) => ({ status: certState(overview.certificates[kind] ?? null, at), notAfter: overview.certificates[kind]?.notAfter ?? null });
  return ok({
    cardId: overview.card.id,
    on,
    evaluatedAt: at,
    ready: verdict.ready,
    services: verdict.services.map((s) => ({ ...s, name: SERVICE_WORDS[s.service] })),
    problems: verdict.problems.map((p) => ({ ...p, ...explainProblem(p, dayWords) })),
    card: { status: cardState(overview.card.status, overview.card.expiresAt, at), expiresAt: overview.card.expiresAt },
    pins,
    certificates: { auth: cert('auth'), sign: cert('sign') },
    openProcedures: procedures,
    municipality: { code: resident.municipalityCode, nameJa: m?.nameJa ?? resident.municipalityCode, nameEn: m?.nameEn ?? resident.municipalityCode },
    guidanceUrl: `/guidance/${resident.municipalityCode}`,
  });
}

/** With the card file: an unknown card and a wrong key look the same (CARD_REJECTED). */
export async function checkReadinessWithCard(deps: ReadinessDeps, input: { cardId: string; cardKey: string; on?: string | undefined }) {
  const overview = await deps.cards.overviewByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
  if (!overview) return fail('CARD_REJECTED');
  return checkCardReadiness(deps, { overview, on: input.on });
}

/** For the holder signed in to a service through Kagiya (the access token names the card). */
export async function checkHolderReadiness(deps: ReadinessDeps, input: { cardId: string; on?: string | undefined }) {
  const overview = await deps.cards.overview(input.cardId);
  if (!overview) return fail('NOT_FOUND', { resource: 'card' });
  return checkCardReadiness(deps, { overview, on: input.on });
}
