import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import pg from 'pg';
import { currentTotp } from '../../../src/adapters/crypto/totp.js';
import { createStaff } from '../../../src/app/create-staff.js';
import type { LetterRenderer } from '../../../src/app/counter-ports.js';
import type { Actor } from '../../../src/domain/actor.js';
import { isMaintenanceInstant } from '../../../src/domain/maintenance-day.js';
import { api } from '../../support/api.js';
import { createTestSystem, POSTGRES_ENABLED } from '../../support/test-db.js';

export const STAFF_PASSWORD = 'e2e-password-2026';
const DAY_MS = 24 * 3_600_000;
const ADMIN: Actor = { id: 'e2e-admin', label: 'e2e admin', role: 'national_admin', municipalityCode: null };

/**
 * The whole system on a real socket (PostgreSQL, or PGlite on a machine without it). Its clock skips the national
 * maintenance day, when no card procedure may run, so the suite passes on any date.
 */
export async function startConsoleServer() {
  let offset = 0;
  while ([0, 1, 2].some((h) => isMaintenanceInstant(new Date(Date.now() + offset + h * 3_600_000)))) offset += DAY_MS;
  const clock = () => new Date(Date.now() + offset);
  const system = await createTestSystem(POSTGRES_ENABLED ? 'postgres' : 'pglite', { clock });

  // The letter's one-time code is kept only as a hash; the test reads it where the letter is rendered.
  const letterCodes: string[] = [];
  const letters = system.deps.letters as { render: LetterRenderer['render'] };
  const render = letters.render.bind(letters);
  letters.render = (input) => {
    letterCodes.push(input.oneTimeCode);
    return render(input);
  };

  let server!: ServerType;
  const base = await new Promise<string>((resolve) => {
    server = serve({ fetch: system.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
  });
  const http = api(system);

  return {
    base,
    system,
    http,
    clock,
    letterCodes,
    /** A clerk of Saitama city; returns the login and a function for the current TOTP code. */
    async newClerk(loginId: string, name: string) {
      const created = await createStaff(system.deps, ADMIN, { loginId, name, role: 'clerk', municipalityCode: '111007', password: STAFF_PASSWORD });
      if (!created.ok) throw new Error(`staff: ${created.code}`);
      return { loginId, totp: () => currentTotp(created.value.totpSecret, clock()) };
    },
    /** A resident with a card whose `auth` PIN was locked by three wrong entries through the smartphone app. */
    async lockedCard(resident: Record<string, unknown>) {
      const card = await http.newCard(resident);
      const context = { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax', 'x-kagiya-terminal': 'iPhone app' };
      for (let i = 0; i < 3; i += 1) await http.verify(card, 'auth', '0000', context);
      const status = await http.status(card);
      if (!status.body.pins?.auth?.locked) throw new Error('card did not lock');
      return card;
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await system.close();
      if (system.databaseUrl) await connectionsClosed(system.databaseUrl);
      await system.dispose();
    },
  };
}

/**
 * pg's pool.end() resolves before its sockets have closed; dropping the database `with (force)` at that moment kills
 * the closing connections, and their FATAL surfaces as an uncaught error. Wait until the server sees none left.
 */
async function connectionsClosed(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    for (let i = 0; i < 50; i += 1) {
      const r = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (r.rows[0]!.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await admin.end();
  }
}

export type ConsoleServer = Awaited<ReturnType<typeof startConsoleServer>>;
