import { describe, expect, it } from 'vitest';
import type { DocumentKind } from './identity-document.js';
import { SEEDED_POLICIES } from './municipal-policy.js';
import type { ApplicantType, MunicipalPolicy } from './municipal-policy.js';
import {
  NEXT,
  PROCEDURE_EVENT_TYPES,
  PROCEDURE_STATES,
  allowedEvents,
  applyProcedureEvent,
  inquiryDeadline,
  openProcedure,
} from './procedure.js';
import type { Procedure, ProcedureEvent, ProcedureEventResult, ProcedureEventType, ProcedureState } from './procedure.js';

const saitama: MunicipalPolicy = { ...SEEDED_POLICIES['111007']!, inquiryDeadlineDays: 14 };
const yokohama = SEEDED_POLICIES['141003']!;
const sayama = SEEDED_POLICIES['112151']!;

// Tuesday 2026-03-10, 10:00 JST. March 2026 starts on a Sunday: Saturdays 7, 14, 21, so maintenance is the 22nd.
const TUESDAY = new Date('2026-03-10T01:00:00Z');
const MAINTENANCE = new Date('2026-03-22T01:00:00Z');
const LATER = (minutes: number) => new Date(TUESDAY.getTime() + minutes * 60_000);
// 14 days after 2026-03-10 is 2026-03-24; the letter is good until 23:59:59 JST that day.
const DEADLINE = new Date('2026-03-24T14:59:59Z');

const EVERYTHING: DocumentKind[] = ['my_number_card', 'passport', 'driving_licence', 'family_register'];

function open(applicantType: ApplicantType, policy: MunicipalPolicy = saitama): Procedure {
  const result = openProcedure({
    id: 'proc-1',
    municipalityCode: policy.municipalityCode,
    residentId: 'res-1',
    applicantType,
    slots: ['auth', 'sign'],
    now: TUESDAY,
    by: 'clerk-opened',
    policy,
  });
  if (result.kind !== 'ok') throw new Error(`could not open: ${result.reason}`);
  return result.procedure;
}

function ok(result: ProcedureEventResult): Procedure {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.procedure;
}

function run(p: Procedure, steps: ReadonlyArray<[ProcedureEvent, Date, string?]>, policy: MunicipalPolicy = saitama): Procedure {
  return steps.reduce((current, [event, now, by]) => ok(applyProcedureEvent(current, event, { now, by: by ?? 'clerk-1', policy })), p);
}

function eventOf(type: ProcedureEventType): ProcedureEvent {
  switch (type) {
    case 'check_documents':
      return { type, presented: EVERYTHING, holderPresent: true };
    case 'verify_answer':
      return { type, presented: EVERYTHING };
    case 'cancel':
      return { type, reason: 'holder changed their mind' };
    case 'complete':
      return { type, enteredOn: 'pin_pad' };
    default:
      return { type };
  }
}

describe('openProcedure', () => {
  it.each<[ApplicantType, boolean]>([
    ['self', true],
    ['voluntary_proxy', false],
    ['legal_proxy', false],
  ])('opens for %s with sameDay %s until documents say otherwise', (applicantType, sameDay) => {
    const p = open(applicantType);
    expect(p).toMatchObject({ state: 'opened', sameDay, deadline: null, history: [], openedBy: 'clerk-opened', slots: ['auth', 'sign'] });
    expect(p.openedAt).toEqual(TUESDAY);
  });

  it.each<[string, readonly ('auth' | 'sign' | 'assist' | 'juki')[], Date, string]>([
    ['refuses on the maintenance day', ['auth'], MAINTENANCE, 'MAINTENANCE_DAY'],
    ['refuses with no slot to reset', [], TUESDAY, 'NO_SLOTS'],
    ['refuses a slot listed twice', ['auth', 'juki', 'auth'], TUESDAY, 'DUPLICATE_SLOT'],
  ])('%s', (_name, slots, now, reason) => {
    const result = openProcedure({ id: 'p', municipalityCode: '111007', residentId: 'r', applicantType: 'self', slots, now, by: 'c', policy: saitama });
    expect(result).toEqual({ kind: 'refused', reason });
  });

  it('accepts all four slots in one visit', () => {
    const result = openProcedure({
      id: 'p',
      municipalityCode: '111007',
      residentId: 'r',
      applicantType: 'self',
      slots: ['auth', 'sign', 'assist', 'juki'],
      now: TUESDAY,
      by: 'c',
      policy: saitama,
    });
    expect(result.kind).toBe('ok');
  });

  it("throws when handed another municipality's policy (a caller bug)", () => {
    expect(() =>
      openProcedure({ id: 'p', municipalityCode: '141003', residentId: 'r', applicantType: 'self', slots: ['auth'], now: TUESDAY, by: 'c', policy: saitama }),
    ).toThrow(RangeError);
  });
});

// Written out by hand rather than read from NEXT, so that a change to the table has to be made twice.
const SAME_DAY_ALLOWED: Readonly<Record<string, ProcedureState>> = {
  'opened:check_documents': 'documents_checked',
  'opened:cancel': 'cancelled',
  'documents_checked:present_card': 'card_presented',
  'documents_checked:cancel': 'cancelled',
  'card_presented:open_pin_pad': 'awaiting_pins',
  'card_presented:cancel': 'cancelled',
  'awaiting_pins:open_pin_pad': 'awaiting_pins',
  'awaiting_pins:complete': 'completed',
  'awaiting_pins:cancel': 'cancelled',
};
const LETTER_ALLOWED: Readonly<Record<string, ProcedureState>> = {
  'opened:check_documents': 'documents_checked',
  'opened:cancel': 'cancelled',
  'documents_checked:issue_letter': 'letter_issued',
  'documents_checked:cancel': 'cancelled',
  'letter_issued:verify_answer': 'answer_verified',
  'letter_issued:expire': 'expired',
  'letter_issued:cancel': 'cancelled',
  'answer_verified:present_card': 'card_presented',
  'answer_verified:expire': 'expired',
  'answer_verified:cancel': 'cancelled',
  'card_presented:open_pin_pad': 'awaiting_pins',
  'card_presented:cancel': 'cancelled',
  'awaiting_pins:open_pin_pad': 'awaiting_pins',
  'awaiting_pins:complete': 'completed',
  'awaiting_pins:cancel': 'cancelled',
};

function pairs(allowed: Readonly<Record<string, ProcedureState>>) {
  return PROCEDURE_STATES.flatMap((state) =>
    PROCEDURE_EVENT_TYPES.map((event) => [state, event, allowed[`${state}:${event}`] ?? null] as const),
  );
}

describe.each<[string, ApplicantType, Readonly<Record<string, ProcedureState>>]>([
  ['same-day path (holder in person)', 'self', SAME_DAY_ALLOWED],
  ['letter path (voluntary proxy)', 'voluntary_proxy', LETTER_ALLOWED],
])('every state × event on the %s', (_path, applicantType, allowed) => {
  it.each(pairs(allowed))('%s + %s → %s', (state, type, expected) => {
    // Deadline already passed for `expire` (so it may fire), still ahead for everything else.
    const deadline = type === 'expire' ? new Date(TUESDAY.getTime() - 1) : DEADLINE;
    const p: Procedure = { ...open(applicantType), state, deadline };
    const result = applyProcedureEvent(p, eventOf(type), { now: TUESDAY, by: 'clerk-1', policy: saitama });
    if (expected === null) {
      expect(result).toEqual({ kind: 'invalid_transition', from: state, event: type });
    } else {
      expect(result.kind).toBe('ok');
      expect(result.kind === 'ok' && result.procedure.state).toBe(expected);
    }
  });
});

describe('NEXT', () => {
  it.each(['completed', 'cancelled', 'expired'] as const)('lets nothing leave %s', (state) => {
    expect(NEXT.same_day[state]).toEqual({});
    expect(NEXT.letter[state]).toEqual({});
  });

  it.each(PROCEDURE_STATES.filter((s) => !['completed', 'cancelled', 'expired', 'letter_issued', 'answer_verified', 'awaiting_pins'].includes(s)))(
    'lets cancel leave %s on both paths',
    (state) => {
      expect(NEXT.same_day[state].cancel).toBe('cancelled');
      expect(NEXT.letter[state].cancel).toBe('cancelled');
    },
  );

  it('offers only the valid next events', () => {
    expect(allowedEvents(open('self'))).toEqual(['check_documents', 'cancel']);
    expect(allowedEvents({ ...open('voluntary_proxy'), state: 'letter_issued' })).toEqual(['verify_answer', 'cancel', 'expire']);
  });
});

describe('the same-day path', () => {
  it('runs a holder in person from opened to completed, recording who did what and when', () => {
    const done = run(open('self'), [
      [{ type: 'check_documents', presented: ['my_number_card', 'driving_licence'], holderPresent: true }, LATER(1), 'clerk-a'],
      [{ type: 'present_card' }, LATER(2), 'clerk-a'],
      [{ type: 'open_pin_pad' }, LATER(3), 'clerk-b'],
      [{ type: 'complete', enteredOn: 'pin_pad' }, LATER(5), 'clerk-b'],
    ]);
    expect(done.state).toBe('completed');
    expect(done.history.map((s) => [s.from, s.event.type, s.to, s.by, s.at.toISOString(), s.policyVersion])).toEqual([
      ['opened', 'check_documents', 'documents_checked', 'clerk-a', '2026-03-10T01:01:00.000Z', 1],
      ['documents_checked', 'present_card', 'card_presented', 'clerk-a', '2026-03-10T01:02:00.000Z', 1],
      ['card_presented', 'open_pin_pad', 'awaiting_pins', 'clerk-b', '2026-03-10T01:03:00.000Z', 1],
      ['awaiting_pins', 'complete', 'completed', 'clerk-b', '2026-03-10T01:05:00.000Z', 1],
    ]);
  });

  it('records the kinds of documents checked, and does not share the caller\'s array', () => {
    const presented: DocumentKind[] = ['my_number_card', 'driving_licence'];
    const p = run(open('self'), [[{ type: 'check_documents', presented, holderPresent: true }, LATER(1)]]);
    presented.push('passport');
    expect(p.history[0]!.event).toEqual({ type: 'check_documents', presented: ['my_number_card', 'driving_licence'], holderPresent: true });
  });

  it('serves a Sayama holder with the card alone', () => {
    const p = run(open('self', sayama), [[{ type: 'check_documents', presented: ['my_number_card'], holderPresent: true }, LATER(1)]], sayama);
    expect(p.state).toBe('documents_checked');
  });

  it('refuses a Saitama holder with the card alone, saying what is missing', () => {
    const result = applyProcedureEvent(open('self'), { type: 'check_documents', presented: ['my_number_card'], holderPresent: true }, { now: LATER(1), by: 'c', policy: saitama });
    expect(result).toEqual({
      kind: 'documents_missing',
      needed: { ja: '本人確認書類あと（A）1点または（B）2点が必要です。', en: 'Still needed: ID documents: 1 more of class A or 2 more of class B.' },
    });
  });

  it('does not change the procedure it was given', () => {
    const p = open('self');
    run(p, [[eventOf('check_documents'), LATER(1)]]);
    expect(p.state).toBe('opened');
    expect(p.history).toEqual([]);
  });
});

describe('skipped steps', () => {
  it.each<[string, ProcedureState, ProcedureEventType, ApplicantType]>([
    ['opening the PIN pad before documents', 'opened', 'open_pin_pad', 'self'],
    ['presenting the card before documents', 'opened', 'present_card', 'self'],
    ['completing before the PIN pad', 'card_presented', 'complete', 'self'],
    ['issuing a letter to a holder in person', 'documents_checked', 'issue_letter', 'self'],
    ['presenting the card for a voluntary proxy before the answer', 'documents_checked', 'present_card', 'voluntary_proxy'],
    ['completing the letter path before the PIN pad', 'card_presented', 'complete', 'voluntary_proxy'],
    ['opening a PIN pad for a voluntary proxy before the card', 'answer_verified', 'open_pin_pad', 'voluntary_proxy'],
    ['verifying an answer before any letter', 'documents_checked', 'verify_answer', 'voluntary_proxy'],
    ['cancelling what is completed', 'completed', 'cancel', 'self'],
  ])('refuses %s', (_name, state, type, applicantType) => {
    const result = applyProcedureEvent({ ...open(applicantType), state }, eventOf(type), { now: TUESDAY, by: 'c', policy: saitama });
    expect(result).toEqual({ kind: 'invalid_transition', from: state, event: type });
  });
});

describe('PINs typed by staff', () => {
  // Staff never see or choose a holder's PIN (DOMAIN.md §4): whatever the state and path, `complete` entered by
  // staff is refused, before the transition table is consulted, and nothing changes.
  it.each(PROCEDURE_STATES.flatMap((state) => (['self', 'legal_proxy', 'voluntary_proxy'] as const).map((applicantType) => [state, applicantType] as const)))(
    'refuses staff-entered PINs in %s (%s)',
    (state, applicantType) => {
      const p: Procedure = { ...open(applicantType), state, sameDay: applicantType === 'self' };
      expect(applyProcedureEvent(p, { type: 'complete', enteredOn: 'staff' }, { now: TUESDAY, by: 'clerk-1', policy: saitama })).toEqual({ kind: 'pins_not_from_pad' });
    },
  );

  it('accepts the same step from the PIN pad', () => {
    const p: Procedure = { ...open('self'), state: 'awaiting_pins' };
    expect(applyProcedureEvent(p, { type: 'complete', enteredOn: 'pin_pad' }, { now: TUESDAY, by: 'clerk-1', policy: saitama }).kind).toBe('ok');
  });
});

describe('the letter path', () => {
  const visit1: ReadonlyArray<[ProcedureEvent, Date]> = [
    [{ type: 'check_documents', presented: ['passport', 'health_insurance'], holderPresent: false }, LATER(1)],
    [{ type: 'issue_letter' }, LATER(2)],
  ];

  it('runs a voluntary proxy over two visits; the sealed answer\'s PINs are typed at the PIN pad', () => {
    const afterVisit1 = run(open('voluntary_proxy'), visit1);
    expect(afterVisit1.state).toBe('letter_issued');
    expect(afterVisit1.deadline).toEqual(DEADLINE);
    const visit2 = new Date('2026-03-20T02:00:00Z');
    const done = run(afterVisit1, [
      [{ type: 'verify_answer', presented: ['passport', 'pension_book'] }, visit2, 'clerk-2'],
      [{ type: 'present_card' }, visit2, 'clerk-2'],
      [{ type: 'open_pin_pad' }, visit2, 'clerk-2'],
      [{ type: 'complete', enteredOn: 'pin_pad' }, visit2, 'clerk-2'],
    ]);
    expect(done.state).toBe('completed');
    expect(done.history.map((s) => s.to)).toEqual(['documents_checked', 'letter_issued', 'answer_verified', 'card_presented', 'awaiting_pins', 'completed']);
  });

  it("refuses a voluntary proxy whose own ID is two B documents", () => {
    const result = applyProcedureEvent(open('voluntary_proxy'), { type: 'check_documents', presented: ['health_insurance', 'pension_book'], holderPresent: false }, { now: TUESDAY, by: 'c', policy: saitama });
    expect(result.kind).toBe('documents_missing');
  });

  it("asks for the proxy's own ID again on visit 2", () => {
    const p = run(open('voluntary_proxy'), visit1);
    const result = applyProcedureEvent(p, { type: 'verify_answer', presented: [] }, { now: LATER(60), by: 'c', policy: saitama });
    expect(result.kind).toBe('documents_missing');
  });

  it.each<[string, MunicipalPolicy, number, string]>([
    ['counts 14 days to the end of the JST day', saitama, 14, '2026-03-24T14:59:59.000Z'],
    ['takes the length from the policy', yokohama, 30, '2026-04-09T14:59:59.000Z'],
  ])('%s', (_name, policy, days, iso) => {
    expect(policy.inquiryDeadlineDays).toBe(days);
    const p = run(open('voluntary_proxy', policy), visit1, policy);
    expect(p.deadline?.toISOString()).toBe(iso);
  });

  it('counts from the JST date even late in the JST evening (14:30Z is 23:30 JST)', () => {
    expect(inquiryDeadline(new Date('2026-03-10T14:30:00Z'), 14).toISOString()).toBe('2026-03-24T14:59:59.000Z');
  });

  it.each<[string, string, ProcedureEventResult['kind']]>([
    ['accepts the answer in the last second of the deadline day', '2026-03-24T14:59:59Z', 'ok'],
    ['refuses the answer one second later', '2026-03-24T15:00:00Z', 'deadline_passed'],
  ])('%s', (_name, iso, kind) => {
    const p = run(open('voluntary_proxy'), visit1);
    expect(applyProcedureEvent(p, eventOf('verify_answer'), { now: new Date(iso), by: 'c', policy: saitama }).kind).toBe(kind);
  });

  it('refuses to present the card once a verified answer has gone stale', () => {
    const p = run(open('voluntary_proxy'), [...visit1, [eventOf('verify_answer'), LATER(60)]]);
    expect(applyProcedureEvent(p, eventOf('present_card'), { now: new Date('2026-03-25T01:00:00Z'), by: 'c', policy: saitama })).toEqual({ kind: 'deadline_passed' });
  });

  it.each<[string, string, string]>([
    ['expires after the deadline', '2026-03-24T15:00:00Z', 'ok'],
    ['will not expire before the deadline', '2026-03-24T14:59:59Z', 'invalid_transition'],
  ])('%s', (_name, iso, kind) => {
    const p = run(open('voluntary_proxy'), visit1);
    const result = applyProcedureEvent(p, { type: 'expire' }, { now: new Date(iso), by: 'system', policy: saitama });
    expect(result.kind).toBe(kind);
    if (result.kind === 'ok') expect(result.procedure.history.at(-1)).toMatchObject({ from: 'letter_issued', to: 'expired', by: 'system' });
  });

  it('still lets a late procedure be cancelled', () => {
    const p = run(open('voluntary_proxy'), visit1);
    const result = applyProcedureEvent(p, { type: 'cancel', reason: 'answer lost in the post' }, { now: new Date('2026-04-01T01:00:00Z'), by: 'c', policy: saitama });
    expect(result.kind === 'ok' && result.procedure.history.at(-1)!.event).toEqual({ type: 'cancel', reason: 'answer lost in the post' });
  });
});

describe('a legal proxy', () => {
  it.each<[string, MunicipalPolicy, DocumentKind[], boolean, boolean]>([
    ['with photo ID is served the same day', saitama, ['my_number_card', 'passport', 'family_register'], false, true],
    ['without photo ID switches to the letter path', saitama, ['my_number_card', 'health_insurance', 'pension_book', 'family_register'], false, false],
    ['in Yokohama without the holder switches to the letter path', yokohama, ['my_number_card', 'passport', 'family_register'], false, false],
    ['in Yokohama with the holder is served the same day', yokohama, ['my_number_card', 'passport', 'family_register'], true, true],
  ])('%s', (_name, policy, presented, holderPresent, sameDay) => {
    const p = run(open('legal_proxy', policy), [[{ type: 'check_documents', presented, holderPresent }, LATER(1)]], policy);
    expect(p.sameDay).toBe(sameDay);
    expect(allowedEvents(p)).toEqual(sameDay ? ['present_card', 'cancel'] : ['issue_letter', 'cancel']);
  });

  it('completes the letter path when not served the same day', () => {
    const p = run(open('legal_proxy'), [
      [{ type: 'check_documents', presented: ['my_number_card', 'health_insurance', 'pension_book', 'family_register'], holderPresent: false }, LATER(1)],
      [{ type: 'issue_letter' }, LATER(2)],
      [{ type: 'verify_answer', presented: ['my_number_card', 'health_insurance', 'pension_book', 'family_register'] }, LATER(3 * 24 * 60)],
      [{ type: 'present_card' }, LATER(3 * 24 * 60 + 1)],
      [{ type: 'open_pin_pad' }, LATER(3 * 24 * 60 + 2)],
      [{ type: 'complete', enteredOn: 'pin_pad' }, LATER(3 * 24 * 60 + 3)],
    ]);
    expect(p.state).toBe('completed');
    expect(p.sameDay).toBe(false);
  });

  it('is refused without proof of authority', () => {
    const result = applyProcedureEvent(open('legal_proxy'), { type: 'check_documents', presented: ['my_number_card', 'passport'], holderPresent: true }, { now: TUESDAY, by: 'c', policy: saitama });
    expect(result.kind).toBe('documents_missing');
  });
});

describe('the maintenance day', () => {
  it.each<[ProcedureState, ProcedureEventType]>([
    ['documents_checked', 'present_card'],
    ['card_presented', 'open_pin_pad'],
    ['awaiting_pins', 'complete'],
  ])('refuses %s + %s, which touches the card', (state, type) => {
    const p: Procedure = { ...open('self'), state };
    expect(applyProcedureEvent(p, eventOf(type), { now: MAINTENANCE, by: 'c', policy: saitama })).toEqual({ kind: 'maintenance_day' });
  });

  it('refuses completing the letter path too', () => {
    const p: Procedure = { ...open('voluntary_proxy'), state: 'awaiting_pins' };
    expect(applyProcedureEvent(p, eventOf('complete'), { now: MAINTENANCE, by: 'c', policy: saitama })).toEqual({ kind: 'maintenance_day' });
  });

  it.each<[ProcedureState, ProcedureEventType]>([
    ['opened', 'check_documents'],
    ['opened', 'cancel'],
  ])('still allows %s + %s, which does not', (state, type) => {
    const p: Procedure = { ...open('self'), state };
    expect(applyProcedureEvent(p, eventOf(type), { now: MAINTENANCE, by: 'c', policy: saitama }).kind).toBe('ok');
  });

  it('reports a skipped step before the maintenance day', () => {
    expect(applyProcedureEvent(open('self'), eventOf('open_pin_pad'), { now: MAINTENANCE, by: 'c', policy: saitama }).kind).toBe('invalid_transition');
  });
});
