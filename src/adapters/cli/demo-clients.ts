import { registerRelyingService } from '../../app/relying-services.js';
import type { Actor } from '../../domain/actor.js';
import type { OidcSystem } from '../oidc/oidc-system.js';

/** A demo relying service as registered with Kagiya's provider (ids from the cross-branch contract). */
export type DemoClient = Readonly<{
  clientId: string;
  nameJa: string;
  nameEn: string;
  scopes: readonly string[];
  /** Where the service listens; its redirect URI is `${baseUrl}/callback`, after logout `${baseUrl}/`. */
  baseUrl: string;
}>;

const seedActor: Actor = { id: 'demo-seed', label: 'demo seed', role: 'national_admin', municipalityCode: null };

/**
 * Registers each demo service once (audited as the demo seed, like any national admin's registration) and returns
 * every one's client secret, read back from the registry, for the services started beside Kagiya.
 */
export async function seedDemoClients(oidc: OidcSystem, clients: readonly DemoClient[]): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (const c of clients) {
    if (!(await oidc.clients.find(c.clientId))) {
      const registered = await registerRelyingService(oidc.relyingServiceDeps, seedActor, {
        clientId: c.clientId,
        nameJa: c.nameJa,
        nameEn: c.nameEn,
        redirectUris: [`${c.baseUrl}/callback`],
        postLogoutRedirectUris: [`${c.baseUrl}/`],
        scopes: [...c.scopes],
      });
      if (!registered.ok) throw new Error(`demo client ${c.clientId}: ${registered.code} ${JSON.stringify(registered.details)}`);
    }
    const active = await oidc.clients.activeWithSecret(c.clientId);
    if (active) secrets.set(c.clientId, active.secret);
  }
  return secrets;
}
