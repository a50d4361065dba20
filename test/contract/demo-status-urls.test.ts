import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData, type DemoManifest } from '../../src/adapters/cli/demo-data.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';
import { openssl, pem, scratch } from '../support/openssl.js';

// The demo's cards carry the status URLs (AIA, CRLDP) of the origin they are served from; cards of an earlier demo
// (or another origin) are re-issued at start, the earlier ones revoked as superseded.

describe.each(STORES)('demo cards and certificate status URLs on %s', (store) => {
  let system: TestSystem;
  let dir: string;
  let files: ReturnType<typeof scratch>;

  beforeAll(async () => {
    system = await createTestSystem(store, { publicUrl: 'http://kagiya.example:3000' });
    dir = mkdtempSync(join(tmpdir(), 'kagiya-demo-'));
    files = scratch();
  });
  afterAll(async () => {
    await system?.dispose();
    rmSync(dir, { recursive: true, force: true });
    files?.dispose();
  });

  const certsOf = (cardId: string) =>
    system.db.selectFrom('certificates').select(['der', 'kind', 'status', 'crl_reason', 'serial_hex']).where('card_id', '=', cardId).execute();

  it('issues the demo cards with AIA and CRLDP, and re-issues the cards of an earlier demo', async () => {
    const manifestFile = join(dir, 'demo-cards.json');
    const first = (await seedDemoData(system.deps, system.db, system.tokens, manifestFile, 'http://kagiya.example:3000'))!;
    expect(first.version).toBe(2);
    // e-Tax is registered to read the signing certificates' status
    const rp = first.relyingParties?.find((r) => r.service === 'e-tax');
    expect(await system.deps.authenticate(rp!.token)).toMatchObject({ role: 'relying_party', municipalityCode: null });
    const healthy = first.cards[0]!;
    const [cert] = (await certsOf(healthy.cardId)).filter((c) => c.kind === 'auth');
    const path = files.file('demo-auth.pem', pem('CERTIFICATE', cert!.der));
    expect((await openssl(['x509', '-in', path, '-noout', '-ocsp_uri'])).stdout.trim()).toBe('http://kagiya.example:3000/pki/ocsp');

    // Same origin: nothing changes.
    const again = (await seedDemoData(system.deps, system.db, system.tokens, manifestFile, 'http://kagiya.example:3000'))!;
    expect(again.cards.map((c) => c.cardId)).toEqual(first.cards.map((c) => c.cardId));

    // A demo seeded before certificates named their status URLs (no version in its manifest): every demo card is
    // issued anew, its story replayed.
    const { version: _v, publicUrl: _u, ...older } = first;
    writeFileSync(manifestFile, JSON.stringify(older));
    const moved = (await seedDemoData(system.deps, system.db, system.tokens, manifestFile, 'http://kagiya.example:3000'))!;
    expect(moved.cards).toHaveLength(first.cards.length);
    for (const [i, card] of moved.cards.entries()) expect(card.cardId).not.toBe(first.cards[i]!.cardId);
    expect(JSON.parse(readFileSync(manifestFile, 'utf8')) as DemoManifest).toMatchObject({ version: 2, publicUrl: 'http://kagiya.example:3000' });
    const oldCerts = await certsOf(healthy.cardId);
    expect(oldCerts.every((c) => c.status === 'revoked' && c.crl_reason === 'superseded')).toBe(true);
    const [newCert] = (await certsOf(moved.cards[0]!.cardId)).filter((c) => c.kind === 'auth');
    const newPath = files.file('demo-auth-new.pem', pem('CERTIFICATE', newCert!.der));
    expect((await openssl(['x509', '-in', newPath, '-noout', '-ocsp_uri'])).stdout.trim()).toBe('http://kagiya.example:3000/pki/ocsp');
    // the stories hold on the new cards: the moved resident's signing certificate is revoked as affiliationChanged,
    // the suspended card's certificates are on hold
    const movedStory = moved.cards.findIndex((c) => c.storyEn.startsWith('signing certificate revoked'));
    const movedSign = (await certsOf(moved.cards[movedStory]!.cardId)).find((c) => c.kind === 'sign');
    expect(movedSign).toMatchObject({ status: 'revoked', crl_reason: 'affiliationChanged' });
    const suspendedStory = moved.cards.findIndex((c) => c.storyEn.startsWith('suspended'));
    expect((await certsOf(moved.cards[suspendedStory]!.cardId)).every((c) => c.status === 'suspended')).toBe(true);
  });
});
