import { createServer } from 'node:net';
import { demoServices } from '../../../apps/demo-services.js';
import { createEtaxApp, ETAX_CLIENT_ID } from '../../../apps/etax/app.js';
import { createKioskApp, KIOSK_CLIENT_ID, KIOSK_SCOPE } from '../../../apps/kiosk/app.js';
import { listen, type RunningService } from '../../../apps/shared/listen.js';
import { startServer } from '../../../src/adapters/http/node-server.js';
import { registerRelyingService } from '../../../src/app/relying-services.js';
import type { Actor } from '../../../src/domain/actor.js';
import { api } from '../../support/api.js';
import { createTestSystem, type StoreKind } from '../../support/test-db.js';

export const KIOSK_TERMINAL = 'store-0421-MMK2';
const ADMIN: Actor = { id: 'test-admin', label: 'test admin', role: 'national_admin', municipalityCode: null };

/** Noon in Japan today: the kiosk's hours never depend on when the suite runs. */
export const JST_NOON = () => new Date(`${new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10)}T12:00:00+09:00`);

/** A port free right now (the OS picks it), for a server that must know its own URL before it starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Kagiya (provider, card API, OCSP) on a real socket whose URL its certificates name in AIA, with e-Tax and the
 * kiosk on theirs, registered as relying services the way `npm start` registers them. e-Tax holds a relying-party
 * token for the signing certificate's status. The kiosk's clock is injectable (its hours); Kagiya keeps real time.
 */
export async function startApps(store: StoreKind, options: { keyAlgorithm?: 'ECDSA-P256' | 'RSA-2048' } = {}) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  // Kagiya keeps real time here, so its own kiosk-reset hours are opened; the kiosk's hours are tested through its clock.
  const system = await createTestSystem(store, { publicUrl: issuer, kioskHours: 'always', ...(options.keyAlgorithm ? { keyAlgorithm: options.keyAlgorithm } : {}) });
  const server = await startServer(system, { port, host: '127.0.0.1', publicUrl: issuer });
  const register = async (clientId: string, base: string, scopes: string[]) => {
    // The person-facing names `npm start` registers (contracts: e-Tax, コンビニ交付).
    const names = demoServices('127.0.0.1').find((d) => d.clientId === clientId)!;
    const r = await registerRelyingService(system.oidc.relyingServiceDeps, ADMIN, {
      clientId,
      nameJa: names.nameJa,
      nameEn: names.nameEn,
      redirectUris: [`${base}/callback`],
      postLogoutRedirectUris: [`${base}/`],
      scopes,
    });
    if (!r.ok) throw new Error(`register ${clientId}: ${r.code}`);
    return r.value.clientSecret;
  };
  const statusToken = await system.tokens.create({ id: system.deps.secrets.newId(), label: 'e-Tax (test)', role: 'relying_party', municipalityCode: null, now: new Date() });
  let kioskNow = JST_NOON;
  const etax: RunningService = await listen(0, '127.0.0.1', async (url) =>
    createEtaxApp({ kagiyaUrl: issuer, publicUrl: url, clientSecret: await register(ETAX_CLIENT_ID, url, ['openid']), statusToken }),
  );
  const kiosk: RunningService = await listen(0, '127.0.0.1', async (url) =>
    createKioskApp({
      kagiyaUrl: issuer,
      publicUrl: url,
      clientSecret: await register(KIOSK_CLIENT_ID, url, KIOSK_SCOPE.split(' ')),
      terminal: KIOSK_TERMINAL,
      now: () => kioskNow(),
    }),
  );
  return {
    kagiya: { issuer, system, http: api(system) },
    etax,
    kiosk,
    statusToken,
    setKioskClock(now: () => Date) {
      kioskNow = now;
    },
    async close() {
      await etax.close();
      await kiosk.close();
      await server.close();
      await system.dispose();
    },
  };
}

export type Apps = Awaited<ReturnType<typeof startApps>>;
