import type { Actor } from '../domain/actor.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps } from './ports.js';
import { evaluateServiceFlags } from './risk-detection.js';
import type { ServiceFlag, SourceBlock } from './risk-ports.js';

// The national admin's view of risk decisions (issue 13 item 1): blocked sources and flagged relying services.
// National scope only; every change (lifting a block, dismissing a flag, an evaluation asked for) is audited.

const national = (actor: Actor) => actor.role === 'national_admin';
const DAY_MS = 86_400_000;

export async function listSourceBlocks(deps: AppDeps, actor: Actor): Promise<Outcome<SourceBlock[]>> {
  if (!national(actor)) return fail('FORBIDDEN');
  return ok(await deps.risk.listBlocks(new Date(deps.clock().getTime() - DAY_MS)));
}

export async function liftSourceBlock(deps: AppDeps, actor: Actor, input: { sourceKey: string; reason: string }): Promise<Outcome<{ sourceKey: string }>> {
  if (!national(actor)) return fail('FORBIDDEN');
  const now = deps.clock();
  return deps.atomically(async (tx) => {
    if (!(await tx.risk.liftBlock(input.sourceKey, actor.id, now))) return fail('NOT_FOUND', { resource: 'sourceBlock' });
    await tx.audit({ actor, action: 'risk.source_lifted', target: { type: 'source', id: input.sourceKey, municipalityCode: null }, reason: input.reason });
    return ok({ sourceKey: input.sourceKey });
  });
}

export async function listServiceFlags(deps: AppDeps, actor: Actor, input: { includeDismissed: boolean }): Promise<Outcome<ServiceFlag[]>> {
  if (!national(actor)) return fail('FORBIDDEN');
  return ok(await deps.risk.listFlags(input));
}

export async function evaluateServicesNow(deps: AppDeps, actor: Actor) {
  if (!national(actor)) return fail<{ evaluated: number; flagged: number; open: number }>('FORBIDDEN');
  const result = await evaluateServiceFlags(deps);
  await deps.audit({ actor, action: 'risk.services_evaluated', target: { type: 'service', id: '*', municipalityCode: null }, detail: result });
  return ok(result);
}

export async function dismissServiceFlag(deps: AppDeps, actor: Actor, input: { flagId: string; reason: string }): Promise<Outcome<ServiceFlag>> {
  if (!national(actor)) return fail('FORBIDDEN');
  const now = deps.clock();
  return deps.atomically(async (tx) => {
    const flag = await tx.risk.dismissFlag(input.flagId, actor.id, now);
    if (!flag) return fail('NOT_FOUND', { resource: 'serviceFlag' });
    await tx.audit({ actor, action: 'risk.service_dismissed', target: { type: 'service', id: flag.service, municipalityCode: null }, reason: input.reason, detail: { flagId: flag.id, figures: flag.figures } });
    return ok(flag);
  });
}
