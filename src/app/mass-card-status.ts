import type { Actor } from '../domain/actor.js';
import { endOfJstDay } from '../domain/card-validity.js';
import { isValidMunicipalityCode } from '../domain/municipality-code.js';
import { fail, ok, type Outcome } from './outcome.js';

// Mass suspension and restore (issue 13 item 3): the national admin names an operation, a reason and a scope; the
// job runs on the queue in batches (adapters/jobs/mass-status-jobs.ts). Each card goes through the same transition
// as a single suspension or restore (change-card-status.ts: card, current certificates, event, audit), with the
// job's id in the event's detail.

export type MassOperation = 'suspend' | 'restore';

export type MassScope = Readonly<{
  /** Cards with a current certificate issued by this CA. */
  caId?: string;
  /** Cards issued on or after this JST date. */
  issuedFrom?: string;
  /** Cards issued on or before this JST date. */
  issuedTo?: string;
  municipalityCode?: string;
}>;

/** The scope as the store filters it: instants, not dates. */
export type MassScopeFilter = Readonly<{ caId?: string; issuedFrom?: Date; issuedBefore?: Date; municipalityCode?: string }>;

export type MassJob = Readonly<{
  id: string;
  operation: MassOperation;
  reason: string;
  scope: MassScope;
  /** `cancelled`: stopped by a national admin; the cards changed before that stay changed. */
  state: MassJobState;
  total: number;
  processed: number;
  changed: number;
  runs: number;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  updatedAt: Date;
  finishedAt: Date | null;
  /** Who stopped the job and why (state `cancelled`), else null. */
  cancelledBy: string | null;
  cancelReason: string | null;
}>;

export type MassJobState = 'queued' | 'running' | 'done' | 'cancelled';

/** A job that no worker will take up again. */
export const isFinishedMassJob = (state: MassJobState): boolean => state === 'done' || state === 'cancelled';

export interface MassJobStore {
  /** Counts the cards in scope now in the operation's starting status, and records the job (state queued) with its audit entry. */
  create(input: { id: string; operation: MassOperation; reason: string; scope: MassScope; filter: MassScopeFilter; actor: Actor; now: Date }): Promise<MassJob>;
  find(id: string): Promise<MassJob | null>;
  list(limit: number): Promise<MassJob[]>;
  caExists(caId: string): Promise<boolean>;
  /**
   * Stops a queued or running job, with its audit entry, once the batch in progress (if any) has committed: no batch
   * starts after it. The job as it then is; `finished` (and nothing written) when it had already ended.
   */
  cancel(input: { id: string; reason: string; actor: Actor; now: Date }): Promise<{ job: MassJob; finished: boolean } | null>;
}

export type MassJobDeps = Readonly<{
  clock: () => Date;
  newId: () => string;
  massJobs: MassJobStore;
  /** Tells the worker a job is waiting (it would find it at its next sweep anyway). */
  wakeMassJobs: (jobId: string) => Promise<void>;
}>;

/** Only a national administrator, acting nationally, runs mass operations; municipality staff are refused. */
export function mayRunMassJobs(actor: Actor): boolean {
  return actor.role === 'national_admin' && actor.municipalityCode === null;
}

export function scopeFilter(scope: MassScope): MassScopeFilter {
  const dayAfter = (date: string) => new Date(endOfJstDay(date).getTime() + 1000);
  const startOf = (date: string) => new Date(endOfJstDay(date).getTime() + 1000 - 86_400_000);
  return {
    ...(scope.caId ? { caId: scope.caId } : {}),
    ...(scope.municipalityCode ? { municipalityCode: scope.municipalityCode } : {}),
    ...(scope.issuedFrom ? { issuedFrom: startOf(scope.issuedFrom) } : {}),
    ...(scope.issuedTo ? { issuedBefore: dayAfter(scope.issuedTo) } : {}),
  };
}

export async function startMassJob(
  deps: MassJobDeps,
  actor: Actor,
  input: { operation: MassOperation; reason: string; scope: MassScope },
): Promise<Outcome<MassJob>> {
  if (!mayRunMassJobs(actor)) return fail('FORBIDDEN');
  const { scope } = input;
  // A scope is required: "every card in the country" is not a default anybody should get by leaving fields out.
  if (!scope.caId && !scope.issuedFrom && !scope.issuedTo && !scope.municipalityCode) return fail('INVALID_REQUEST', { field: 'scope' });
  if (scope.issuedFrom && scope.issuedTo && scope.issuedFrom > scope.issuedTo) return fail('INVALID_REQUEST', { field: 'scope.issuedTo' });
  if (scope.municipalityCode && !isValidMunicipalityCode(scope.municipalityCode)) return fail('INVALID_MUNICIPALITY');
  if (scope.caId && !(await deps.massJobs.caExists(scope.caId))) return fail('NOT_FOUND', { resource: 'ca' });
  const job = await deps.massJobs.create({ id: deps.newId(), operation: input.operation, reason: input.reason, scope, filter: scopeFilter(scope), actor, now: deps.clock() });
  await deps.wakeMassJobs(job.id).catch(() => undefined);
  return ok(job);
}

export async function getMassJob(deps: MassJobDeps, actor: Actor, id: string): Promise<Outcome<MassJob>> {
  if (!mayRunMassJobs(actor)) return fail('FORBIDDEN');
  const job = await deps.massJobs.find(id);
  return job ? ok(job) : fail('NOT_FOUND', { resource: 'mass_job' });
}

/** Stops a job that has not finished (a job started on a mistaken scope); the changes already made stay. */
export async function cancelMassJob(deps: MassJobDeps, actor: Actor, id: string, reason: string): Promise<Outcome<MassJob>> {
  if (!mayRunMassJobs(actor)) return fail('FORBIDDEN');
  const result = await deps.massJobs.cancel({ id, reason, actor, now: deps.clock() });
  if (!result) return fail('NOT_FOUND', { resource: 'mass_job' });
  if (result.finished) return fail('MASS_JOB_FINISHED', { state: result.job.state });
  return ok(result.job);
}

export async function listMassJobs(deps: MassJobDeps, actor: Actor): Promise<Outcome<MassJob[]>> {
  if (!mayRunMassJobs(actor)) return fail('FORBIDDEN');
  return ok(await deps.massJobs.list(50));
}
