import type { Actor } from '../domain/actor.js';
import { isValidMyNumber } from '../domain/my-number.js';
import type { CardStatus } from '../domain/card.js';
import { isTerminal } from '../domain/procedure.js';
import type { CounterDeps, InquiryLetter, ProcedureRecord } from './counter-ports.js';
import { applyStep, auditEntry, permitted, withProcedure } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';
import { pinPadState, type PinPadState } from './pin-pad.js';
import type { Resident } from './ports.js';

export type ResidentHit = Resident & Readonly<{ cards: ReadonlyArray<{ cardId: string; status: CardStatus; expiresAt: Date }> }>;

/**
 * Finds residents by name or kana, or by My Number (sent in a body, never a URL: DOMAIN.md §6), only in the
 * staff member's municipality. Every search is audited; a My Number search records that one was made, not the number.
 */
export async function searchResidents(deps: CounterDeps, actor: Actor, input: { query?: string; myNumber?: string }): Promise<Outcome<ResidentHit[]>> {
  if (!permitted(actor, 'counter.read', null)) return fail('FORBIDDEN');
  let residents: Resident[];
  if (input.myNumber !== undefined) {
    if (!isValidMyNumber(input.myNumber)) return fail('INVALID_MY_NUMBER', { field: 'myNumber' });
    const found = await deps.residents.findByMyNumberIndex(deps.vault.index(input.myNumber));
    residents = found && permitted(actor, 'counter.read', found.municipalityCode) ? [found] : [];
  } else {
    const query = (input.query ?? '').trim();
    if (query.length < 1) return fail('INVALID_REQUEST', { field: 'query' });
    residents = await deps.residents.search({ query, municipalityCode: actor.municipalityCode, limit: 50 });
  }
  const hits: ResidentHit[] = [];
  for (const resident of residents) {
    const cards = [];
    for (const cardId of await deps.cards.cardIdsOfResident(resident.id)) {
      const card = await deps.cards.findCard(cardId);
      if (card) cards.push({ cardId, status: card.status, expiresAt: card.expiresAt });
    }
    hits.push({ ...resident, cards });
  }
  await deps.counter.run((s) =>
    s.audit.append(
      auditEntry(actor, deps.clock(), 'resident.searched', { type: 'resident', id: hits.length === 1 ? hits[0]!.id : '*', municipalityCode: actor.municipalityCode }, {
        by: input.myNumber !== undefined ? 'my_number' : 'name',
        results: hits.length,
      }),
    ),
  );
  return ok(hits);
}

/** Open procedures, with those whose answer deadline passed moved to expired first (jpki-facts §8: EXPIRED). */
export async function listProcedures(deps: CounterDeps, actor: Actor, input: { open: boolean }): Promise<Outcome<ProcedureRecord[]>> {
  if (!permitted(actor, 'counter.read', null)) return fail('FORBIDDEN');
  const now = deps.clock();
  const records = await deps.counter.read((s) => s.procedures.list({ municipalityCode: actor.municipalityCode, open: input.open, limit: 200 }));
  const overdue = records.filter((r) => !isTerminal(r.procedure.state) && r.procedure.deadline && r.procedure.deadline.getTime() < now.getTime());
  if (overdue.length === 0 || !permitted(actor, 'counter.act', null)) return ok(records);
  for (const r of overdue) {
    await withProcedure(deps, actor, r.procedure.id, async (ctx) => {
      const expired = await applyStep(ctx, { type: 'expire' });
      const letter = await ctx.stores.letters.byProcedure(r.procedure.id);
      if (expired.ok && letter && (letter.status === 'queued' || letter.status === 'mailed')) await ctx.stores.letters.setStatus(letter.id, 'expired', ctx.now);
      return expired;
    });
  }
  return ok(await deps.counter.read((s) => s.procedures.list({ municipalityCode: actor.municipalityCode, open: input.open, limit: 200 })));
}

export async function getProcedure(
  deps: CounterDeps,
  actor: Actor,
  procedureId: string,
): Promise<Outcome<{ record: ProcedureRecord; letter: InquiryLetter | null; resident: Resident | null; pinPad: PinPadState | null }>> {
  const now = deps.clock();
  const found = await deps.counter.read(async (s) => {
    const record = await s.procedures.get(procedureId);
    if (!record) return null;
    const pad = await s.pinPads.latest(procedureId);
    return { record, letter: await s.letters.byProcedure(procedureId), pinPad: pad ? pinPadState(pad, now) : null };
  });
  if (!found || !permitted(actor, 'counter.read', found.record.procedure.municipalityCode)) return fail('NOT_FOUND', { resource: 'procedure' });
  return ok({ ...found, resident: await deps.residents.findById(found.record.procedure.residentId) });
}
