import { createEtaxApp, ETAX_CLIENT_ID } from '../../../apps/etax/app.js';
import { createKioskApp, KIOSK_CLIENT_ID, KIOSK_SCOPE } from '../../../apps/kiosk/app.js';
import { listen, type RunningService } from '../../../apps/shared/listen.js';
import { startOidcServer, type OidcServer } from '../../support/oidc-server.js';
import type { StoreKind } from '../../support/test-db.js';

export const KIOSK_TERMINAL = 'store-0421-MMK2';

/** A Kagiya noon in Japan: the kiosk's hours never depend on when the suite runs. */
export const JST_NOON = () => new Date(`${new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10)}T12:00:00+09:00`);

/**
 * Kagiya with its provider on a real socket, and e-Tax and the kiosk on theirs, registered as relying services
 * exactly as `npm start` registers them. The kiosk's clock is injectable (its hours); Kagiya keeps real time.
 */
export async function startApps(store: StoreKind, options: { kioskNow?: () => Date } = {}) {
  const kagiya: OidcServer = await startOidcServer(store);
  let kioskNow = options.kioskNow ?? JST_NOON;
  const etax: RunningService = await listen(0, '127.0.0.1', async (url) => {
    const client = await kagiya.registerClient(ETAX_CLIENT_ID, url, ['openid']);
    return createEtaxApp({ kagiyaUrl: kagiya.issuer, publicUrl: url, clientSecret: client.clientSecret });
  });
  const kiosk: RunningService = await listen(0, '127.0.0.1', async (url) => {
    const client = await kagiya.registerClient(KIOSK_CLIENT_ID, url, KIOSK_SCOPE.split(' '));
    return createKioskApp({ kagiyaUrl: kagiya.issuer, publicUrl: url, clientSecret: client.clientSecret, terminal: KIOSK_TERMINAL, now: () => kioskNow() });
  });
  return {
    kagiya,
    etax,
    kiosk,
    setKioskClock(now: () => Date) {
      kioskNow = now;
    },
    async close() {
      await etax.close();
      await kiosk.close();
      await kagiya.close();
    },
  };
}

export type Apps = Awaited<ReturnType<typeof startApps>>;
