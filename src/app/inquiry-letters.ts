import type { Actor } from '../domain/actor.js';
import { jstDate } from '../domain/card-validity.js';
import type { DocumentKind } from '../domain/identity-document.js';
import type { CounterDeps, InquiryLetter, LetterStatus, ProcedureRecord } from './counter-ports.js';
import { applyStep, auditEntry, permitted, withProcedure } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';

export const MAX_CODE_FAILURES = 5;

/**
 * Visit 1 of a proxy (DOMAIN.md §4): the inquiry letter (照会書兼回答書) is made as a PDF addressed to the holder's
 * registered address, with a reference number, a one-time code (kept only as a keyed hash) and the deadline, and
 * queued for mailing, not forwarded.
 */
export function issueInquiryLetter(deps: CounterDeps, actor: Actor, procedureId: string): Promise<Outcome<{ record: ProcedureRecord; letter: InquiryLetter }>> {
  return withProcedure(deps, actor, procedureId, async (ctx) => {
    const stepped = await applyStep(ctx, { type: 'issue_letter' });
    if (!stepped.ok) return stepped;
    const { procedure } = stepped.value;
    const resident = await ctx.stores.residents.findById(procedure.residentId);
    const municipality = await ctx.stores.municipality(procedure.municipalityCode);
    if (!resident || !municipality) return fail('NOT_FOUND', { resource: 'resident' });
    const year = Number(jstDate(ctx.now).slice(0, 4));
    const serial = await ctx.stores.letters.nextReferenceSerial(procedure.municipalityCode, year);
    const referenceNumber = `${procedure.municipalityCode}-${year}-${String(serial).padStart(6, '0')}`;
    const id = deps.secrets.newId();
    const code = deps.counterSecrets.newLetterCode();
    const deadline = procedure.deadline!;
    const pdf = await deps.letters.render({
      referenceNumber,
      oneTimeCode: code,
      issuedOn: jstDate(ctx.now),
      deadline: jstDate(deadline),
      municipality: { code: procedure.municipalityCode, nameJa: municipality.nameJa, office: `${municipality.nameJa} 市民窓口`, phone: ctx.policy.phone },
      holder: { name: resident.name, address: resident.address },
      proxyName: stepped.value.proxyName ?? '',
      slots: procedure.slots,
    });
    const letter: InquiryLetter = {
      id,
      procedureId,
      municipalityCode: procedure.municipalityCode,
      referenceNumber,
      codeHash: deps.counterSecrets.hashLetterCode(code, id),
      status: 'queued',
      address: resident.address,
      holderName: resident.name,
      issuedAt: ctx.now,
      deadline,
      statusChangedAt: ctx.now,
      codeFailures: 0,
    };
    await ctx.stores.letters.insert({ ...letter, pdf });
    await ctx.stores.audit.append(
      auditEntry(actor, ctx.now, 'letter.issued', { type: 'inquiry_letter', id, municipalityCode: procedure.municipalityCode }, { procedureId, referenceNumber, deadline: deadline.toISOString() }),
    );
    return ok({ record: stepped.value, letter });
  });
}

/**
 * Visit 2: the proxy brings the sealed answer. Its one-time code must match (five wrong codes void the letter),
 * the proxy's own ID is checked again, and the deadline must not have passed.
 */
export function verifyLetterAnswer(
  deps: CounterDeps,
  actor: Actor,
  procedureId: string,
  input: { code: string; presented: readonly DocumentKind[] },
): Promise<Outcome<ProcedureRecord>> {
  return withProcedure(deps, actor, procedureId, async (ctx) => {
    const letter = await ctx.stores.letters.byProcedure(procedureId);
    if (!letter || (letter.status !== 'queued' && letter.status !== 'mailed')) {
      return fail('PROCEDURE_INVALID_TRANSITION', { state: ctx.record.procedure.state, step: 'verify_answer', letter: letter?.status ?? null });
    }
    const given = deps.counterSecrets.hashLetterCode(input.code, letter.id);
    if (Buffer.compare(Buffer.from(given), Buffer.from(letter.codeHash)) !== 0) {
      const failures = await ctx.stores.letters.recordCodeFailure(letter.id);
      await ctx.stores.audit.append(auditEntry(actor, ctx.now, 'letter.code_rejected', { type: 'inquiry_letter', id: letter.id, municipalityCode: letter.municipalityCode }, { failures }));
      if (failures >= MAX_CODE_FAILURES) {
        await ctx.stores.letters.setStatus(letter.id, 'cancelled', ctx.now);
        await applyStep(ctx, { type: 'cancel', reason: 'too many wrong letter codes' });
      }
      return fail('LETTER_CODE_INVALID', { remaining: Math.max(MAX_CODE_FAILURES - failures, 0) });
    }
    const stepped = await applyStep(ctx, { type: 'verify_answer', presented: input.presented }, {
      documents: [...ctx.record.documents, { kinds: [...input.presented], holderPresent: false, checkedBy: actor.id, at: ctx.now.toISOString() }],
    });
    if (!stepped.ok) {
      if (stepped.code === 'DEADLINE_PASSED') {
        await ctx.stores.letters.setStatus(letter.id, 'expired', ctx.now);
        await applyStep(ctx, { type: 'expire' });
      }
      return stepped;
    }
    await ctx.stores.letters.setStatus(letter.id, 'answered', ctx.now);
    return stepped;
  });
}

/**
 * A staff member tries to set the PINs (the old visit-2 "complete" of the letter path, or a same-day procedure
 * completed from the console). Refused in every state with PIN_PAD_REQUIRED, by the domain: staff never see or choose
 * a holder's PIN; the holder (or, on the letter path, the proxy with the sealed answer) types them at the PIN pad.
 * The PINs sent are never read, and the attempt is audited (without them).
 */
export function refuseStaffPinEntry(deps: CounterDeps, actor: Actor, procedureId: string): Promise<Outcome<ProcedureRecord>> {
  return withProcedure(deps, actor, procedureId, async (ctx) => {
    const refused = await applyStep(ctx, { type: 'complete', enteredOn: 'staff' });
    if (refused.ok) throw new Error('a staff-entered PIN was accepted');
    const { procedure } = ctx.record;
    await ctx.stores.audit.append(
      auditEntry(actor, ctx.now, 'procedure.staff_pin_entry_refused', { type: 'procedure', id: procedure.id, municipalityCode: procedure.municipalityCode }, { state: procedure.state, code: refused.code }),
    );
    return refused;
  });
}

/** Cancels a procedure at any open stage; its letter, if any, is cancelled with it. */
export function cancelProcedure(deps: CounterDeps, actor: Actor, procedureId: string, reason: string): Promise<Outcome<ProcedureRecord>> {
  return withProcedure(deps, actor, procedureId, async (ctx) => {
    const stepped = await applyStep(ctx, { type: 'cancel', reason });
    if (!stepped.ok) return stepped;
    const letter = await ctx.stores.letters.byProcedure(procedureId);
    if (letter && (letter.status === 'queued' || letter.status === 'mailed')) await ctx.stores.letters.setStatus(letter.id, 'cancelled', ctx.now);
    return stepped;
  });
}

const LETTER_MOVES: Readonly<Record<'mailed' | 'undeliverable', readonly LetterStatus[]>> = {
  mailed: ['queued'],
  undeliverable: ['queued', 'mailed'],
};

/** The mail room's answers: a letter was posted, or came back undeliverable (which ends its procedure). */
export async function markLetter(deps: CounterDeps, actor: Actor, letterId: string, status: 'mailed' | 'undeliverable'): Promise<Outcome<InquiryLetter>> {
  const letter = await deps.counter.read((s) => s.letters.get(letterId));
  if (!letter || !permitted(actor, 'counter.act', letter.municipalityCode)) return fail('NOT_FOUND', { resource: 'letter' });
  if (!LETTER_MOVES[status].includes(letter.status)) return fail('CONFLICT', { from: letter.status, to: status });
  return withProcedure(deps, actor, letter.procedureId, async (ctx) => {
    await ctx.stores.letters.setStatus(letterId, status, ctx.now);
    await ctx.stores.audit.append(auditEntry(actor, ctx.now, `letter.${status}`, { type: 'inquiry_letter', id: letterId, municipalityCode: letter.municipalityCode }, { referenceNumber: letter.referenceNumber }));
    if (status === 'undeliverable') {
      const cancelled = await applyStep(ctx, { type: 'cancel', reason: 'letter undeliverable' });
      if (!cancelled.ok) return cancelled;
    }
    return ok({ ...letter, status, statusChangedAt: ctx.now });
  });
}

export async function listLetters(deps: CounterDeps, actor: Actor, statuses: readonly LetterStatus[]): Promise<Outcome<InquiryLetter[]>> {
  if (!permitted(actor, 'counter.read', null)) return fail('FORBIDDEN');
  return ok(await deps.counter.read((s) => s.letters.list({ municipalityCode: actor.municipalityCode, statuses, limit: 200 })));
}

export async function letterPdf(deps: CounterDeps, actor: Actor, letterId: string): Promise<Outcome<{ pdf: Uint8Array; referenceNumber: string }>> {
  const letter = await deps.counter.read((s) => s.letters.get(letterId));
  if (!letter || !permitted(actor, 'counter.read', letter.municipalityCode)) return fail('NOT_FOUND', { resource: 'letter' });
  const pdf = await deps.counter.run(async (s) => {
    await s.audit.append(auditEntry(actor, deps.clock(), 'letter.viewed', { type: 'inquiry_letter', id: letterId, municipalityCode: letter.municipalityCode }));
    return s.letters.pdf(letterId);
  });
  return pdf ? ok({ pdf, referenceNumber: letter.referenceNumber }) : fail('NOT_FOUND', { resource: 'letter' });
}
