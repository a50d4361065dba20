import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { seedReferenceData } from '../../src/adapters/cli/demo-data.js';
import type { DbConfig } from '../../src/adapters/db/create-db.js';
import { createSystem, type System } from '../../src/system.js';
import { freshPostgresDatabase, type StoreKind } from './test-db.js';

export type LogLine = { level: number; msg: string; [key: string]: unknown };

/** A test system whose log lines are kept, to check what is logged and at which level (pino: 30 info, 50 error). */
export async function createLoggedSystem(store: StoreKind): Promise<System & { adminToken: string; logs: LogLine[]; dispose(): Promise<void> }> {
  let database: DbConfig = { kind: 'pglite', dataDir: null };
  let drop = async () => {};
  if (store === 'postgres') {
    const fresh = await freshPostgresDatabase();
    database = { kind: 'postgres', url: fresh.url, poolSize: 8 };
    drop = fresh.drop;
  }
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const adminToken = `test-admin-${randomBytes(12).toString('hex')}`;
  const system = await createSystem({ database, pepper: randomBytes(32), masterKey: randomBytes(32), keyAlgorithm: 'ECDSA-P256', bootstrapToken: adminToken, logger });
  await seedReferenceData(system.deps, system.db);
  return {
    ...system,
    adminToken,
    logs,
    async dispose() {
      await system.close().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await drop();
    },
  };
}
