import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/test-db.js';
import { run, startKagiya, tempDir } from './support/reader-lab.js';

// `kagiya reader` refuses plainly, before any reader sees a card, when it cannot be the card it was given.
// (No pcscd needed: these fail before the CLI connects to vpcd.)

const ROOT = join(import.meta.dirname, '..', '..');
// Asynchronous: the test server runs in this process and must keep answering while the CLI runs.
const cli = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin', 'kagiya.js'), 'reader', ...args]);

describe('kagiya reader start-up', () => {
  const lab = tempDir();
  let kagiya: Awaited<ReturnType<typeof startKagiya>>;
  beforeAll(async () => {
    kagiya = await startKagiya(STORES[0]!);
  });
  afterAll(async () => {
    await kagiya?.close();
    lab.remove();
  });

  it('refuses a card file that is not the card file issuance returns', async () => {
    const file = join(lab.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'x' }));
    const r = await cli('--url', kagiya.url, '--card-file', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the card file must be the { "cardId", "cardKey" } JSON that issuance returns');
  });

  it('refuses a card Kagiya does not accept, and a malformed --vpcd', async () => {
    const card = await kagiya.rsaCard();
    const file = join(lab.dir, 'wrong-key.json');
    writeFileSync(file, JSON.stringify({ ...card, cardKey: 'not-the-key' }));
    const r = await cli('--url', kagiya.url, '--card-file', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Kagiya did not accept the card: 401 CARD_REJECTED');
    const v = await cli('--url', kagiya.url, '--card-file', file, '--vpcd', 'nowhere');
    expect(v.code).not.toBe(0);
    expect(v.stderr).toContain('host:port');
  });
});
