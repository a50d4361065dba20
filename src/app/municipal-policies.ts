import type { Actor } from '../domain/actor.js';
import { validatePolicy, type MunicipalPolicy } from '../domain/municipal-policy.js';
import type { CounterDeps } from './counter-ports.js';
import { auditEntry, permitted } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';

/** The policy in force: public, since the guidance page and the counter checklist both come from it (DOMAIN.md §4). */
export async function getMunicipalPolicy(deps: CounterDeps, municipalityCode: string): Promise<Outcome<MunicipalPolicy>> {
  const policy = await deps.counter.read((s) => s.policies.current(municipalityCode));
  return policy ? ok(policy) : fail('NOT_FOUND', { resource: 'policy' });
}

/** A new version of a municipality's policy, validated and audited; earlier versions stay on record. */
export async function updateMunicipalPolicy(
  deps: CounterDeps,
  actor: Actor,
  input: { policy: Omit<MunicipalPolicy, 'version'>; reason: string },
): Promise<Outcome<MunicipalPolicy>> {
  if (!permitted(actor, 'policy.write', input.policy.municipalityCode)) return fail('FORBIDDEN');
  const now = deps.clock();
  return deps.counter.run(async (s) => {
    const current = await s.policies.current(input.policy.municipalityCode);
    const next: MunicipalPolicy = { ...input.policy, version: (current?.version ?? 0) + 1 };
    const valid = validatePolicy(next);
    if (valid.kind === 'invalid') return fail('POLICY_INVALID', { problems: valid.problems });
    await s.policies.save({ policy: next, createdBy: actor.id, reason: input.reason, now });
    await s.audit.append(
      auditEntry(actor, now, 'policy.updated', { type: 'municipal_policy', id: next.municipalityCode, municipalityCode: next.municipalityCode }, { version: next.version }, input.reason),
    );
    return ok(next);
  });
}

/** Seeds the policy a municipality starts with, once (reference data, like the municipalities themselves). */
export async function seedMunicipalPolicy(deps: CounterDeps, policy: MunicipalPolicy): Promise<void> {
  await deps.counter.run(async (s) => {
    if (await s.policies.current(policy.municipalityCode)) return;
    await s.policies.save({ policy: { ...policy, version: 1 }, createdBy: 'system', reason: 'initial policy', now: deps.clock() });
  });
}
