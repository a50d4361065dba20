// The counter's PIN-reset procedure as an explicit state machine (DOMAIN.md §4; jpki-facts §8 proxy flow).
//
// Two paths, chosen by `sameDay`:
//   same day (holder in person; a legal proxy the municipality serves the same day):
//     opened →check_documents→ documents_checked →present_card→ card_presented →open_pin_pad→ awaiting_pins
//     →complete→ completed
//   letter (voluntary proxy, always; a legal proxy otherwise):
//     opened →check_documents→ documents_checked →issue_letter→ letter_issued →verify_answer→ answer_verified
//     →present_card→ card_presented →open_pin_pad→ awaiting_pins →complete→ completed
//   open_pin_pad again while awaiting_pins opens a new pad and closes the old one (it expired, was lost, or closed
//   itself after too many refused PINs), so neither the holder nor a proxy with a sealed answer has to start over.
//   On the letter path the new PINs are the ones the holder wrote in the concealed area of the sealed answer
//   (照会書兼回答書); at visit 2 the proxy types them at the customer PIN pad, as the holder does on the same day.
// Staff never see or choose a holder's PIN (DOMAIN.md §4): `complete` is accepted only from the PIN pad, on both
// paths; the same event entered by staff is refused whatever the state (`pins_not_from_pad`).
// cancel leaves any non-terminal state; expire leaves letter_issued / answer_verified once the deadline has passed.
// Every step records who acted, when, the event (with the document kinds checked) and the policy version
// (DOMAIN.md §4: "every step records the staff member, the documents checked (kind, not number) and the time").

import { endOfJstDay, jstDate } from './card-validity.js';
import type { DocumentKind } from './identity-document.js';
import { isMaintenanceInstant } from './maintenance-day.js';
import { checkApplicantDocuments, legalProxySameDay } from './municipal-policy.js';
import type { ApplicantType, Bilingual, MunicipalPolicy } from './municipal-policy.js';
import type { PinSlot } from './pin-slot.js';

export const PROCEDURE_STATES = [
  'opened',
  'documents_checked',
  'letter_issued',
  'answer_verified',
  'card_presented',
  'awaiting_pins',
  'completed',
  'cancelled',
  'expired',
] as const;
export type ProcedureState = (typeof PROCEDURE_STATES)[number];

export type ProcedureEvent =
  | Readonly<{ type: 'check_documents'; presented: readonly DocumentKind[]; holderPresent: boolean }>
  | Readonly<{ type: 'issue_letter' }>
  // Visit 2: the sealed answer's code check happens outside; this event records that it passed, together with the
  // proxy's own ID, which the proxy must show again (DOMAIN.md §4: "the proxy brings the card, the sealed answer
  // and own ID").
  | Readonly<{ type: 'verify_answer'; presented: readonly DocumentKind[] }>
  | Readonly<{ type: 'present_card' }>
  | Readonly<{ type: 'open_pin_pad' }>
  /**
   * The PINs were written and the counters restored (one atomic step on the card: DOMAIN.md §4). `enteredOn`
   * says who typed them: only the customer PIN pad is accepted; `staff` exists so a staff attempt is refused here.
   */
  | Readonly<{ type: 'complete'; enteredOn: PinEntrySource }>
  | Readonly<{ type: 'cancel'; reason: string }>
  | Readonly<{ type: 'expire' }>;
export type ProcedureEventType = ProcedureEvent['type'];
/** Where a procedure's new PINs were typed: the holder's (or, on the letter path, the proxy's) PIN pad, or staff. */
export type PinEntrySource = 'pin_pad' | 'staff';

export const PROCEDURE_EVENT_TYPES = [
  'check_documents',
  'issue_letter',
  'verify_answer',
  'present_card',
  'open_pin_pad',
  'complete',
  'cancel',
  'expire',
] as const satisfies readonly ProcedureEventType[];

export type ProcedureStep = Readonly<{
  from: ProcedureState;
  to: ProcedureState;
  event: ProcedureEvent;
  at: Date;
  by: string;
  /** The policy version the step was judged against, so a later policy change does not rewrite history. */
  policyVersion: number;
}>;

export type Procedure = Readonly<{
  id: string;
  municipalityCode: string;
  residentId: string;
  applicantType: ApplicantType;
  /** Decides the path. Self: true. Voluntary proxy: false. Legal proxy: decided at check_documents. */
  sameDay: boolean;
  slots: readonly PinSlot[];
  state: ProcedureState;
  openedAt: Date;
  openedBy: string;
  /** End (23:59:59 JST) of the last day to answer the inquiry letter; null until the letter is issued. */
  deadline: Date | null;
  history: ReadonlyArray<ProcedureStep>;
}>;

export type ProcedurePath = 'same_day' | 'letter';

type Transitions = Readonly<Partial<Record<ProcedureEventType, ProcedureState>>>;

// Record<ProcedureState, …> makes a forgotten state a compile error; an event missing from a row is refused.
export const NEXT: Readonly<Record<ProcedurePath, Readonly<Record<ProcedureState, Transitions>>>> = Object.freeze({
  same_day: {
    opened: { check_documents: 'documents_checked', cancel: 'cancelled' },
    documents_checked: { present_card: 'card_presented', cancel: 'cancelled' },
    letter_issued: {},
    answer_verified: {},
    card_presented: { open_pin_pad: 'awaiting_pins', cancel: 'cancelled' },
    awaiting_pins: { open_pin_pad: 'awaiting_pins', complete: 'completed', cancel: 'cancelled' },
    completed: {},
    cancelled: {},
    expired: {},
  },
  letter: {
    opened: { check_documents: 'documents_checked', cancel: 'cancelled' },
    documents_checked: { issue_letter: 'letter_issued', cancel: 'cancelled' },
    letter_issued: { verify_answer: 'answer_verified', expire: 'expired', cancel: 'cancelled' },
    answer_verified: { present_card: 'card_presented', expire: 'expired', cancel: 'cancelled' },
    card_presented: { open_pin_pad: 'awaiting_pins', cancel: 'cancelled' },
    awaiting_pins: { open_pin_pad: 'awaiting_pins', complete: 'completed', cancel: 'cancelled' },
    completed: {},
    cancelled: {},
    expired: {},
  },
});

const TERMINAL: ReadonlySet<ProcedureState> = new Set(['completed', 'cancelled', 'expired']);
// Steps that touch the card: refused on the national maintenance day (DOMAIN.md §4).
const CARD_TOUCHING: ReadonlySet<ProcedureEventType> = new Set(['present_card', 'open_pin_pad', 'complete']);
// States that wait on the holder's answer, and so on the deadline.
const AWAITING_ANSWER: ReadonlySet<ProcedureState> = new Set(['letter_issued', 'answer_verified']);
const DAY_MS = 24 * 60 * 60 * 1000;

export function isTerminal(state: ProcedureState): boolean {
  return TERMINAL.has(state);
}

export function procedurePath(p: Pick<Procedure, 'sameDay'>): ProcedurePath {
  return p.sameDay ? 'same_day' : 'letter';
}

/** The events the current state accepts, for a UI that offers only valid buttons. */
export function allowedEvents(p: Procedure): ProcedureEventType[] {
  const row = NEXT[procedurePath(p)][p.state];
  return PROCEDURE_EVENT_TYPES.filter((type) => row[type] !== undefined);
}

/**
 * End of the JST day `days` after `now`. JST has no daylight saving, so adding whole days of milliseconds moves the
 * JST calendar date by exactly `days`.
 */
export function inquiryDeadline(now: Date, days: number): Date {
  return endOfJstDay(jstDate(new Date(now.getTime() + days * DAY_MS)));
}

// A policy of another municipality is a caller bug, not an outcome, so it throws (as card-validity.ts does).
function assertPolicyFor(municipalityCode: string, policy: MunicipalPolicy): void {
  if (policy.municipalityCode !== municipalityCode) {
    throw new RangeError(`policy of ${policy.municipalityCode} applied to a procedure in ${municipalityCode}`);
  }
}

export type OpenProcedureInput = Readonly<{
  id: string;
  municipalityCode: string;
  residentId: string;
  applicantType: ApplicantType;
  slots: readonly PinSlot[];
  now: Date;
  by: string;
  policy: MunicipalPolicy;
}>;

export type OpenProcedureResult =
  | { kind: 'ok'; procedure: Procedure }
  | { kind: 'refused'; reason: 'MAINTENANCE_DAY' | 'NO_SLOTS' | 'DUPLICATE_SLOT' };

/** Opens a procedure for the slots to reset (several are often reset in one visit: DOMAIN.md §4). */
export function openProcedure(input: OpenProcedureInput): OpenProcedureResult {
  assertPolicyFor(input.municipalityCode, input.policy);
  if (isMaintenanceInstant(input.now)) return { kind: 'refused', reason: 'MAINTENANCE_DAY' };
  if (input.slots.length === 0) return { kind: 'refused', reason: 'NO_SLOTS' };
  if (new Set(input.slots).size !== input.slots.length) return { kind: 'refused', reason: 'DUPLICATE_SLOT' };
  return {
    kind: 'ok',
    procedure: {
      id: input.id,
      municipalityCode: input.municipalityCode,
      residentId: input.residentId,
      applicantType: input.applicantType,
      // A voluntary proxy is never served the same day (DOMAIN.md §4); a legal proxy starts on the safe side until
      // the documents show whether the municipality serves them the same day.
      sameDay: input.applicantType === 'self',
      slots: [...input.slots],
      state: 'opened',
      openedAt: new Date(input.now.getTime()),
      openedBy: input.by,
      deadline: null,
      history: [],
    },
  };
}

export type ProcedureContext = Readonly<{ now: Date; by: string; policy: MunicipalPolicy }>;

export type ProcedureEventResult =
  | { kind: 'ok'; procedure: Procedure }
  | { kind: 'invalid_transition'; from: ProcedureState; event: ProcedureEventType }
  | { kind: 'documents_missing'; needed: Bilingual }
  | { kind: 'maintenance_day' }
  | { kind: 'deadline_passed' }
  | { kind: 'pins_not_from_pad' };

function deadlinePassed(p: Procedure, now: Date): boolean {
  return p.deadline !== null && now.getTime() > p.deadline.getTime();
}

// Events are stored in the history, so they are copied: a caller mutating its array later must not rewrite it.
function snapshot(e: ProcedureEvent): ProcedureEvent {
  if (e.type === 'check_documents') return { type: e.type, presented: [...e.presented], holderPresent: e.holderPresent };
  if (e.type === 'verify_answer') return { type: e.type, presented: [...e.presented] };
  return { ...e };
}

/**
 * Applies one event. Checks run in this order: PINs typed by staff (refused in every state: staff never set a
 * holder's PIN), the transition table (a skipped step is refused whatever else is true), the maintenance day, the
 * inquiry deadline, then the documents.
 */
export function applyProcedureEvent(p: Procedure, e: ProcedureEvent, ctx: ProcedureContext): ProcedureEventResult {
  assertPolicyFor(p.municipalityCode, ctx.policy);
  if (e.type === 'complete' && e.enteredOn !== 'pin_pad') return { kind: 'pins_not_from_pad' };
  const to = NEXT[procedurePath(p)][p.state][e.type];
  if (to === undefined) return { kind: 'invalid_transition', from: p.state, event: e.type };

  if (CARD_TOUCHING.has(e.type) && isMaintenanceInstant(ctx.now)) return { kind: 'maintenance_day' };

  if (AWAITING_ANSWER.has(p.state)) {
    const passed = deadlinePassed(p, ctx.now);
    // Expiry is a fact about the clock, not a choice: it cannot be recorded before the deadline has passed.
    if (e.type === 'expire' && !passed) return { kind: 'invalid_transition', from: p.state, event: e.type };
    // An answer that arrives late is void; the holder must start again (jpki-facts §8: EXPIRED).
    if (e.type !== 'expire' && e.type !== 'cancel' && passed) return { kind: 'deadline_passed' };
  }

  let sameDay = p.sameDay;
  let deadline = p.deadline;
  if (e.type === 'check_documents' || e.type === 'verify_answer') {
    const check = checkApplicantDocuments(ctx.policy, p.applicantType, e.presented);
    if (check.kind === 'missing') return { kind: 'documents_missing', needed: check.needed };
  }
  if (e.type === 'check_documents' && p.applicantType === 'legal_proxy') {
    sameDay = legalProxySameDay(ctx.policy, e.presented, e.holderPresent);
  }
  if (e.type === 'issue_letter') deadline = inquiryDeadline(ctx.now, ctx.policy.inquiryDeadlineDays);

  const at = new Date(ctx.now.getTime());
  const step: ProcedureStep = { from: p.state, to, event: snapshot(e), at, by: ctx.by, policyVersion: ctx.policy.version };
  return { kind: 'ok', procedure: { ...p, sameDay, deadline, state: to, history: [...p.history, step] } };
}
