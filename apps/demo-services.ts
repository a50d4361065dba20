import type { DemoClient } from '../src/adapters/cli/demo-clients.js';

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
}>;

export type RunningService = Readonly<{ url: string; close(): Promise<void> }>;

export type DemoService = DemoClient & Readonly<{ port: number; start(options: StartOptions): Promise<RunningService> }>;

export function demoServices(host: string): DemoService[] {
  const base = (port: number) => `http://${host}:${port}`;
  void base;
  return [];
}
