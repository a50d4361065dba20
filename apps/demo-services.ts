import type { DemoClient } from '../src/adapters/cli/demo-clients.js';
import { startPortal } from './portal/src/server.js';
import { createEtaxApp, ETAX_CLIENT_ID } from './etax/app.js';
import { createKioskApp, KIOSK_CLIENT_ID, KIOSK_SCOPE } from './kiosk/app.js';
import { listen } from './shared/listen.js';

// The demo relying services `npm start` runs beside Kagiya (issue #9 item 7). Each is a separate small HTTP server
// that speaks only OpenID Connect and Kagiya's public HTTP API. To add one: give it a `start` that listens on
// `port` and returns its URL, and add an entry here (client id and names from the cross-branch contract).

export type StartOptions = Readonly<{
  port: number;
  host: string;
  /** Kagiya's issuer (its public origin). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A relying-party token (role relying_party), for services that read the signing certificate's status. */
  statusToken?: string | null;
}>;

export type RunningService = Readonly<{ url: string; close(): Promise<void> }>;

export type DemoService = DemoClient &
  Readonly<{ port: number; needsStatusToken?: boolean; start(options: StartOptions): Promise<RunningService> }>;

/** The demo kiosk's terminal id, recorded with every attempt it makes (contracts: kagiya_terminal). */
export const DEMO_KIOSK_TERMINAL = 'store-0001-MMK1';

export function demoServices(host: string, options: { kioskHours?: 'jst' | 'always' } = {}): DemoService[] {
  const base = (port: number) => `http://${host}:${port}`;
  return [
    {
      clientId: 'portal',
      nameJa: 'マイナポータル（鍵屋デモ）',
      nameEn: 'Mynaportal (Kagiya demo)',
      scopes: ['openid', 'kagiya_card', 'kagiya_card_manage'],
      port: 3001,
      baseUrl: base(3001),
      start: startPortal,
    },
    {
      clientId: ETAX_CLIENT_ID,
      nameJa: 'e-Tax',
      nameEn: 'e-Tax',
      scopes: ['openid'],
      port: 3002,
      baseUrl: base(3002),
      needsStatusToken: true,
      start: (o) =>
        listen(o.port, o.host, (url) => createEtaxApp({ kagiyaUrl: o.issuer, publicUrl: url, clientSecret: o.clientSecret, statusToken: o.statusToken ?? null })),
    },
    {
      clientId: KIOSK_CLIENT_ID,
      nameJa: 'コンビニ交付',
      nameEn: 'Convenience-store certificates',
      scopes: KIOSK_SCOPE.split(' '),
      port: 3003,
      baseUrl: base(3003),
      start: (o) =>
        listen(o.port, o.host, (url) => createKioskApp({ kagiyaUrl: o.issuer, publicUrl: url, clientSecret: o.clientSecret, terminal: DEMO_KIOSK_TERMINAL, hours: options.kioskHours ?? 'jst' })),
    },
  ];
}
