import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser, type Browser } from './browser.js';
import { startConsoleServer, type ConsoleServer } from './console-server.js';

/**
 * One console server per test file and a fresh browser per test, closed after it whatever the outcome.
 * Call at the top of a describe block.
 */
export function useConsoleSuite(): { readonly server: ConsoleServer; launch(): Promise<Browser> } {
  let server: ConsoleServer | undefined;
  let browser: Browser | null = null;
  beforeAll(async () => {
    server = await startConsoleServer();
  });
  afterEach(async () => {
    await browser?.close();
    browser = null;
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('console server not started');
      return server;
    },
    async launch() {
      browser = await launchBrowser();
      return browser;
    },
  };
}
