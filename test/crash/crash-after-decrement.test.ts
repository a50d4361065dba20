import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, POSTGRES_ENABLED, type TestSystem } from '../support/test-db.js';

const child = fileURLToPath(new URL('./verify-then-die.ts', import.meta.url));

function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += String(d)));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

// DOMAIN.md §1: a crash between the decrement and the restore leaves the try spent, as on a real card.
describe.runIf(POSTGRES_ENABLED)('a process killed mid-verify on PostgreSQL', () => {
  let system: TestSystem & { databaseUrl: string | null };

  beforeAll(async () => {
    system = await createTestSystem('postgres');
  });
  afterAll(async () => system?.dispose());

  it('leaves the try spent, even for the right PIN, and shows the attempt as pending', async () => {
    const http = api(system);
    const card = await http.newCard();
    const result = await runChild({
      CRASH_DATABASE_URL: system.databaseUrl!,
      CRASH_PEPPER: system.pepper.toString('hex'),
      CRASH_MASTER_KEY: system.masterKey.toString('hex'),
      CRASH_CARD_ID: card.cardId,
      CRASH_CARD_KEY: card.cardKey,
      CRASH_PIN: PINS.auth,
    });
    expect(result.signal, result.stderr).toBe('SIGKILL');

    const status = await http.status(card);
    expect(status.body.pins.auth.remaining).toBe(2);
    const events = await http.events(card);
    expect(events.body.events[0]).toMatchObject({ operation: 'verify', slot: 'auth', result: 'pending', service: 'crash-test', remainingAfter: 2 });

    // The next right entry restores the slot; the interrupted attempt stays on record as pending.
    expect((await http.verify(card, 'auth', PINS.auth)).body).toEqual({ slot: 'auth', remaining: 3 });
    const after = await http.events(card);
    expect(after.body.events.filter((e: { result: string }) => e.result === 'pending')).toHaveLength(1);
  });
});
