import { cardState, certState, type CardStatus, type CertView } from './card.js';
import { PIN_SLOTS, type CertKind, type PinSlot } from './pin-slot.js';

// "Is my card ready for e-Tax filing, the kiosk and the portal — and will it be in March?" (issue 11 item 2).
// Pure: the card as stored and an instant come in, a verdict per service and a list of problems go out. Reading
// spends no try. Locks and suspensions do not heal with time (DOMAIN.md §1), so a future date changes only
// expiry: the card's and the certificates' (DOMAIN.md §2).

export const READINESS_SERVICES = ['etax_filing', 'portal', 'kiosk'] as const;
export type ReadinessService = (typeof READINESS_SERVICES)[number];

/** A certificate expiring within this many days of the date asked about is flagged (renewal opens 3 months before). */
export const EXPIRY_WARNING_DAYS = 90;
const DAY_MS = 86_400_000;

/** What each service needs (DOMAIN.md §5): e-Tax logs in with `auth` and signs the return with `sign`. */
const NEEDS: Readonly<Record<ReadinessService, readonly CertKind[]>> = {
  etax_filing: ['auth', 'sign'],
  portal: ['auth'],
  kiosk: ['auth'],
};

export type ReadinessCode =
  | 'CARD_SUSPENDED'
  | 'CARD_REVOKED'
  | 'CARD_EXPIRED'
  | 'CARD_EXPIRING_SOON'
  | 'PIN_SLOT_ABSENT'
  | 'PIN_LOCKED'
  | 'PIN_TRIES_USED'
  | 'CERT_ABSENT'
  | 'CERT_REVOKED'
  | 'CERT_SUSPENDED'
  | 'CERT_EXPIRED'
  | 'CERT_EXPIRING_SOON'
  | 'PROCEDURE_OPEN';

export type ReadinessProblem = Readonly<{
  code: ReadinessCode;
  /** A blocker stops the services in `affects`; a warning does not (yet). */
  severity: 'blocker' | 'warning';
  slot: PinSlot | null;
  certificate: CertKind | null;
  affects: readonly ReadinessService[];
  remaining?: number;
  max?: number;
  /** Expiry or deadline this problem is about. */
  dueAt?: Date;
  /** Whole days from the instant evaluated to `dueAt` (expiry problems). */
  daysLeft?: number;
  procedureState?: string;
}>;

export type ReadinessInput = Readonly<{
  /** The instant evaluated: now, or the start of the day asked about. */
  at: Date;
  card: Readonly<{ status: CardStatus; expiresAt: Date }>;
  slots: Readonly<Partial<Record<PinSlot, Readonly<{ remaining: number; max: number }>>>>;
  certificates: Readonly<Partial<Record<CertKind, CertView | null>>>;
  openProcedures: ReadonlyArray<Readonly<{ state: string; deadline: Date | null; slots: readonly PinSlot[] }>>;
}>;

export type Readiness = Readonly<{
  ready: boolean;
  services: ReadonlyArray<Readonly<{ service: ReadinessService; ready: boolean }>>;
  problems: readonly ReadinessProblem[];
}>;

const servicesNeeding = (kind: CertKind): ReadinessService[] => READINESS_SERVICES.filter((s) => NEEDS[s].includes(kind));
const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);

export function assessReadiness(input: ReadinessInput): Readiness {
  const { at } = input;
  const problems: ReadinessProblem[] = [];
  const all = [...READINESS_SERVICES];

  const card = cardState(input.card.status, input.card.expiresAt, at);
  if (card === 'suspended') problems.push({ code: 'CARD_SUSPENDED', severity: 'blocker', slot: null, certificate: null, affects: all });
  else if (card === 'revoked') problems.push({ code: 'CARD_REVOKED', severity: 'blocker', slot: null, certificate: null, affects: all });
  else if (card === 'expired') problems.push({ code: 'CARD_EXPIRED', severity: 'blocker', slot: null, certificate: null, affects: all, dueAt: input.card.expiresAt });
  else if (daysBetween(at, input.card.expiresAt) < EXPIRY_WARNING_DAYS) {
    problems.push({ code: 'CARD_EXPIRING_SOON', severity: 'warning', slot: null, certificate: null, affects: all, dueAt: input.card.expiresAt, daysLeft: daysBetween(at, input.card.expiresAt) });
  }

  for (const kind of ['auth', 'sign'] as const) {
    const affects = servicesNeeding(kind);
    const slot = input.slots[kind];
    const cert = input.certificates[kind] ?? null;
    if (!slot) {
      // No slot means no certificate either (an under-15's card has no signing certificate, DOMAIN.md §2).
      problems.push({ code: 'PIN_SLOT_ABSENT', severity: 'blocker', slot: kind, certificate: kind, affects });
      continue;
    }
    const state = certState(cert, at);
    if (state === 'absent') problems.push({ code: 'CERT_ABSENT', severity: 'blocker', slot: null, certificate: kind, affects });
    else if (state === 'revoked') problems.push({ code: 'CERT_REVOKED', severity: 'blocker', slot: null, certificate: kind, affects });
    else if (state === 'suspended') problems.push({ code: 'CERT_SUSPENDED', severity: 'blocker', slot: null, certificate: kind, affects });
    else if (state === 'expired') problems.push({ code: 'CERT_EXPIRED', severity: 'blocker', slot: null, certificate: kind, affects, dueAt: cert!.notAfter });
    else if (cert && daysBetween(at, cert.notAfter) < EXPIRY_WARNING_DAYS) {
      problems.push({ code: 'CERT_EXPIRING_SOON', severity: 'warning', slot: null, certificate: kind, affects, dueAt: cert.notAfter, daysLeft: daysBetween(at, cert.notAfter) });
    }
  }

  for (const slot of PIN_SLOTS) {
    const s = input.slots[slot];
    if (!s) continue;
    const affects = slot === 'auth' || slot === 'sign' ? servicesNeeding(slot) : [];
    if (s.remaining <= 0) {
      // assist and juki are not needed by the three services, but a locked one is still worth a counter visit.
      problems.push({ code: 'PIN_LOCKED', severity: affects.length > 0 ? 'blocker' : 'warning', slot, certificate: null, affects, remaining: 0, max: s.max });
    } else if (s.remaining < s.max) {
      problems.push({ code: 'PIN_TRIES_USED', severity: 'warning', slot, certificate: null, affects, remaining: s.remaining, max: s.max });
    }
  }

  for (const p of input.openProcedures) {
    problems.push({
      code: 'PROCEDURE_OPEN',
      severity: 'warning',
      slot: p.slots.length === 1 ? p.slots[0]! : null,
      certificate: null,
      affects: [],
      procedureState: p.state,
      ...(p.deadline ? { dueAt: p.deadline, daysLeft: daysBetween(at, p.deadline) } : {}),
    });
  }

  const services = READINESS_SERVICES.map((service) => ({
    service,
    ready: !problems.some((p) => p.severity === 'blocker' && p.affects.includes(service)),
  }));
  return { ready: services.every((s) => s.ready), services, problems };
}

const JST_OFFSET_MS = 9 * 3_600_000;

/** A calendar date (YYYY-MM-DD) as a real date, or null ("2027-02-30" is not one). */
export function parseCalendarDate(value: string): { y: number; m: number; d: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return { y, m, d };
}

/** 00:00 JST of a calendar date: a certificate that ends at 23:59:59 JST on that day still works that day. */
export function startOfJstDay(date: { y: number; m: number; d: number }): Date {
  return new Date(Date.UTC(date.y, date.m - 1, date.d) - JST_OFFSET_MS);
}

/** The JST calendar date of an instant, YYYY-MM-DD. */
export function jstDateOf(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}
