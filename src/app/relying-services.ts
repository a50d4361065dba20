import type { Actor } from '../domain/actor.js';
import { normalizeScopes, validateRelyingService, type RelyingService, type RelyingServiceInput } from '../domain/relying-service.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps } from './ports.js';

export interface RelyingServiceStore {
  /** Stores the service with its (sealed) secret; 'duplicate' when the client id is taken. */
  insert(service: RelyingServiceInput, secret: string, meta: { createdBy: string; now: Date }): Promise<'ok' | 'duplicate'>;
  list(): Promise<RelyingService[]>;
  find(clientId: string): Promise<RelyingService | null>;
  setDisabled(clientId: string, disabledAt: Date | null, now: Date): Promise<boolean>;
  replaceSecret(clientId: string, secret: string, now: Date): Promise<boolean>;
}

export type RelyingServiceDeps = Pick<AppDeps, 'clock' | 'audit'> &
  Readonly<{ relyingServices: RelyingServiceStore; newClientSecret(): string }>;

// Only a national admin registers relying services: a client that can log residents in is national infrastructure.
const mayManage = (actor: Actor) => actor.role === 'national_admin';
const target = (clientId: string) => ({ type: 'oidc_client', id: clientId, municipalityCode: null });

/** Registers a relying service (an OIDC client); its secret is returned once and kept sealed. Audited. */
export async function registerRelyingService(
  deps: RelyingServiceDeps,
  actor: Actor,
  input: RelyingServiceInput,
): Promise<Outcome<{ service: RelyingService; clientSecret: string }>> {
  if (!mayManage(actor)) return fail('FORBIDDEN');
  const problems = validateRelyingService(input);
  if (problems.length > 0) return fail('INVALID_REQUEST', { problems });
  const service: RelyingServiceInput = { ...input, nameJa: input.nameJa.trim(), nameEn: input.nameEn.trim(), scopes: normalizeScopes(input.scopes) };
  const secret = deps.newClientSecret();
  const now = deps.clock();
  if ((await deps.relyingServices.insert(service, secret, { createdBy: actor.id, now })) === 'duplicate') {
    return fail('CONFLICT', { field: 'clientId', reason: 'TAKEN' });
  }
  await deps.audit({ actor, action: 'oidc_client.registered', target: target(service.clientId), detail: { scopes: service.scopes, redirectUris: service.redirectUris } });
  const stored = await deps.relyingServices.find(service.clientId);
  return ok({ service: stored!, clientSecret: secret });
}

export async function listRelyingServices(deps: RelyingServiceDeps, actor: Actor): Promise<Outcome<RelyingService[]>> {
  if (!mayManage(actor)) return fail('FORBIDDEN');
  return ok(await deps.relyingServices.list());
}

/** Stops (or restarts) a service's logins; its tokens stop working with the client. Audited with the reason. */
export async function setRelyingServiceEnabled(
  deps: RelyingServiceDeps,
  actor: Actor,
  input: { clientId: string; enabled: boolean; reason: string },
): Promise<Outcome<RelyingService>> {
  if (!mayManage(actor)) return fail('FORBIDDEN');
  const now = deps.clock();
  if (!(await deps.relyingServices.setDisabled(input.clientId, input.enabled ? null : now, now))) return fail('NOT_FOUND', { resource: 'oidc_client' });
  await deps.audit({ actor, action: input.enabled ? 'oidc_client.enabled' : 'oidc_client.disabled', target: target(input.clientId), reason: input.reason });
  return ok((await deps.relyingServices.find(input.clientId))!);
}

/** Issues a new client secret (the old one stops working at once); returned once. Audited. */
export async function rotateRelyingServiceSecret(
  deps: RelyingServiceDeps,
  actor: Actor,
  input: { clientId: string; reason: string },
): Promise<Outcome<{ clientId: string; clientSecret: string }>> {
  if (!mayManage(actor)) return fail('FORBIDDEN');
  const secret = deps.newClientSecret();
  if (!(await deps.relyingServices.replaceSecret(input.clientId, secret, deps.clock()))) return fail('NOT_FOUND', { resource: 'oidc_client' });
  await deps.audit({ actor, action: 'oidc_client.secret_rotated', target: target(input.clientId), reason: input.reason });
  return ok({ clientId: input.clientId, clientSecret: secret });
}
