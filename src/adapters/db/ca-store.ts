import { createCertificateAuthority, type CaMaterial } from '../pki/certificate-authority.js';
import type { KeyAlgorithm } from '../pki/key-algorithm.js';
import type { SecretBox } from '../pki/secret-box.js';
import type { Db } from './create-db.js';

const CA_AAD = 'ca-private-key:v1';

/** The built-in CA: created on first start, its key sealed at rest, then reused. */
export async function loadOrCreateCa(db: Db, keyBox: SecretBox, algorithm: KeyAlgorithm, now: Date): Promise<{ ca: CaMaterial; created: boolean }> {
  const id = `card-ca-${algorithm.toLowerCase()}`;
  const row = await db.selectFrom('certificate_authorities').selectAll().where('id', '=', id).executeTakeFirst();
  if (row) {
    return {
      ca: { certDer: Buffer.from(row.cert_der), privateKeyPkcs8: keyBox.open(row.private_key_enc, CA_AAD), algorithm },
      created: false,
    };
  }
  const ca = await createCertificateAuthority({ commonName: `Kagiya JPKI Card CA (${algorithm})`, algorithm, now, years: 20 });
  await db
    .insertInto('certificate_authorities')
    .values({ id, algorithm, cert_der: ca.certDer, private_key_enc: keyBox.seal(ca.privateKeyPkcs8, CA_AAD), created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  // Another process may have won the race: use whichever CA is stored.
  const stored = await db.selectFrom('certificate_authorities').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return {
    ca: { certDer: Buffer.from(stored.cert_der), privateKeyPkcs8: keyBox.open(stored.private_key_enc, CA_AAD), algorithm },
    created: Buffer.from(stored.cert_der).equals(ca.certDer),
  };
}
