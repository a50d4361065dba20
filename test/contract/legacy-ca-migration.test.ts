import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql, type Migration } from 'kysely';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type DbConfig } from '../../src/adapters/db/create-db.js';
import * as m0001 from '../../src/adapters/db/migrations/0001-cards.js';
import * as m0002 from '../../src/adapters/db/migrations/0002-counter.js';
import { issueCertificate } from '../../src/adapters/pki/card-certificates.js';
import { createCertificateAuthority } from '../../src/adapters/pki/certificate-authority.js';
import { createSecretBox, deriveKey } from '../../src/adapters/pki/secret-box.js';
import { createSystem } from '../../src/system.js';
import { openssl, pem, scratch } from '../support/openssl.js';
import { freshPostgresDatabase, STORES } from '../support/test-db.js';

// A database from before migration 0006: one card CA for both kinds, certificates without AIA. After the upgrade the
// old CA still answers for its certificates (CRL and OCSP, restricted like the signing CA), and revocations made
// before the upgrade keep their reason.
describe.each(STORES)('certificates of the earlier single card CA on %s', (store) => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('keeps answering for certificates issued before the CA split, with the reasons recorded before', async () => {
    let database: DbConfig;
    if (store === 'postgres') {
      const fresh = await freshPostgresDatabase();
      cleanup.push(fresh.drop);
      database = { kind: 'postgres', url: fresh.url, poolSize: 5 };
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'kagiya-legacy-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      database = { kind: 'pglite', dataDir: dir };
    }
    const files = scratch();
    cleanup.push(files.dispose);
    const masterKey = randomBytes(32);
    const keyBox = createSecretBox(deriveKey(masterKey, 'private-keys'));
    const now = new Date();

    // The schema and data of the earlier version.
    const old = await createDb(database);
    const migrations: Record<string, Migration> = { '0001-cards': m0001, '0002-counter': m0002 };
    const migrated = await new Migrator({ db: old, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    expect(migrated.error).toBeUndefined();
    const ca = await createCertificateAuthority({ commonName: 'Kagiya JPKI Card CA (ECDSA-P256)', algorithm: 'ECDSA-P256', now, years: 20 });
    await sql`insert into certificate_authorities (id, algorithm, cert_der, private_key_enc, created_at)
      values ('card-ca-ecdsa-p256', 'ECDSA-P256', ${ca.certDer}, ${keyBox.seal(ca.privateKeyPkcs8, 'ca-private-key:v1')}, ${now})`.execute(old);
    await sql`insert into municipalities (code, name_ja, name_en, prefecture_ja, created_at) values ('111007', 'さいたま市', 'Saitama City', '埼玉県', ${now})`.execute(old);
    const residentId = randomUUID();
    await sql`insert into residents (id, municipality_code, name, name_kana, birth_date, sex, address, my_number_enc, my_number_index, my_number_masked, created_at, updated_at)
      values (${residentId}, '111007', '山田 太郎', 'ヤマダ タロウ', '1980-05-14', 'male', '埼玉県さいたま市', ${randomBytes(8)}, ${randomBytes(8)}, '********0000', ${now}, ${now})`.execute(old);
    const cardId = randomUUID();
    await sql`insert into cards (id, resident_id, key_hash, status, issued_at, expires_at, key_algorithm)
      values (${cardId}, ${residentId}, ${randomBytes(32)}, 'active', ${now}, ${new Date(now.getTime() + 3e11)}, 'ECDSA-P256')`.execute(old);
    const holder = { name: '山田 太郎', nameKana: 'ヤマダ タロウ', address: '埼玉県さいたま市', birthDate: '1980-05-14', sex: 'male' as const };
    const certs: Record<string, { der: Buffer; serialHex: string }> = {};
    for (const kind of ['auth', 'sign'] as const) {
      const issued = await issueCertificate({ ca, kind, algorithm: 'ECDSA-P256', holder, notBefore: now, notAfter: new Date(now.getTime() + 1e11) });
      certs[kind] = { der: issued.certDer, serialHex: issued.serialHex };
      // the signing certificate was revoked on a move, before the upgrade
      const moved = kind === 'sign';
      await sql`insert into certificates (id, card_id, kind, serial_hex, der, private_key_enc, not_before, not_after, status, status_changed_at, revocation_reason, current)
        values (${randomUUID()}, ${cardId}, ${kind}, ${issued.serialHex}, ${issued.certDer}, ${randomBytes(8)}, ${now}, ${new Date(now.getTime() + 1e11)},
                ${moved ? 'revoked' : 'valid'}, ${moved ? now : null}, ${moved ? 'address changed' : null}, true)`.execute(old);
    }
    await old.destroy();

    // The upgraded system on the same database.
    const adminToken = `test-admin-${randomBytes(12).toString('hex')}`;
    const system = await createSystem({ database, pepper: randomBytes(32), masterKey, keyAlgorithm: 'ECDSA-P256', bootstrapToken: adminToken, logger: pino({ level: 'silent' }) });
    cleanup.push(() => system.close());
    expect((await system.cas.byId('card-ca-ecdsa-p256'))?.issues).toBe('both');

    const caPem = files.file('legacy-ca.pem', pem('CERTIFICATE', ca.certDer));
    const ask = async (kind: 'auth' | 'sign', headers: Record<string, string>) => {
      const certPem = files.file(`legacy-${kind}.pem`, pem('CERTIFICATE', certs[kind]!.der));
      const reqPath = files.path(`legacy-${kind}.req`);
      await openssl(['ocsp', '-issuer', caPem, '-cert', certPem, '-reqout', reqPath, '-no_nonce']);
      const res = await system.app.request('/pki/ocsp', { method: 'POST', headers: { 'content-type': 'application/ocsp-request', ...headers }, body: readFileSync(reqPath) });
      const respPath = files.file(`legacy-${kind}.resp`, Buffer.from(await res.arrayBuffer()));
      const out = await openssl(['ocsp', '-respin', respPath, '-issuer', caPem, '-cert', certPem, '-CAfile', caPem, '-resp_text', '-no_nonce']);
      return out.stdout + out.stderr;
    };
    const admin = { authorization: `Bearer ${adminToken}` };
    // it issued signing certificates, so its status is restricted
    expect(await ask('auth', {})).toMatch(/unauthorized \(6\)/i);
    const auth = await ask('auth', admin);
    expect(auth).toContain('Response verify OK');
    expect(auth).toMatch(/legacy-auth\.pem: good/);
    const sign = await ask('sign', admin);
    expect(sign).toMatch(/legacy-sign\.pem: revoked/);
    expect(sign).toContain('Reason: affiliationChanged');

    // a suspension after the upgrade shows in the old CA's answers and CRL
    const suspended = await system.app.request(`/api/v1/cards/${cardId}/suspend`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin }, body: JSON.stringify({ reason: 'lost' }) });
    expect(suspended.status).toBe(200);
    expect(await ask('auth', admin)).toContain('Reason: certificateHold');
    const crl = await system.app.request('/pki/crl/card-ca-ecdsa-p256.crl', { headers: admin });
    const crlText = (await openssl(['crl', '-inform', 'DER', '-noout', '-text', '-in', files.file('legacy.crl', Buffer.from(await crl.arrayBuffer()))])).stdout;
    expect(crlText).toContain(certs.auth!.serialHex.toUpperCase());
    expect(crlText).toContain('Certificate Hold');
    expect(crlText).toContain('Affiliation Changed');
  });
});
