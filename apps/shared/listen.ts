// Starts a small service on its own port. The app is made once the address is known, because its OIDC
// redirect URI names it (tests listen on port 0).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';

export type RunningService = Readonly<{ url: string; close(): Promise<void> }>;

export async function listen(port: number, host: string, makeApp: (url: string) => Hono | Promise<Hono>): Promise<RunningService> {
  let handler: ReturnType<typeof getRequestListener> | null = null;
  const server = createServer((req, res) => {
    if (handler) return void handler(req, res);
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shown}:${bound}`;
  try {
    handler = getRequestListener((await makeApp(url)).fetch);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
