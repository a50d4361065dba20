import { createCertificateAuthority, type CaMaterial } from '../pki/certificate-authority.js';
import { isKeyAlgorithm, type KeyAlgorithm } from '../pki/key-algorithm.js';
import type { SecretBox } from '../pki/secret-box.js';
import type { Db } from './create-db.js';
import type { CertKind } from '../../domain/pin-slot.js';

const CA_AAD = 'ca-private-key:v1';

export type CaIssues = 'auth' | 'sign' | 'both';

/** One stored CA. `issues: 'both'` is the single card CA of versions before the CA split (its rows keep working). */
export type CaEntry = Readonly<{ id: string; issues: CaIssues; algorithm: KeyAlgorithm; material: CaMaterial }>;

/**
 * Every CA Kagiya ever ran, by id: the ones issuing today and older ones whose certificates are still in use and
 * still need a CRL and OCSP answers. Loaded once, reloaded when an id is not known yet (another process made it).
 */
export interface CaDirectory {
  all(): Promise<readonly CaEntry[]>;
  byId(id: string): Promise<CaEntry | null>;
}

// The real JPKI runs two CAs: 署名用認証局 (signing) and 利用者証明用認証局 (user authentication), jpki-facts §3.2.
// Kagiya does the same, one pair per key algorithm, so each has its own CRL and the signing CA's status can be
// restricted to registered relying parties while the authentication CA's is public.
const ISSUING: Record<CertKind, { name: string; id: (a: KeyAlgorithm) => string }> = {
  auth: { name: 'Kagiya JPKI User Authentication CA', id: (a) => `jpki-auth-${a.toLowerCase()}` },
  sign: { name: 'Kagiya JPKI Digital Signature CA', id: (a) => `jpki-sign-${a.toLowerCase()}` },
};

type Row = { id: string; algorithm: string; cert_der: Uint8Array; private_key_enc: Uint8Array; issues: CaIssues };

function toEntry(row: Row, keyBox: SecretBox): CaEntry {
  if (!isKeyAlgorithm(row.algorithm)) throw new Error(`CA ${row.id} has an unknown algorithm ${row.algorithm}`);
  return {
    id: row.id,
    issues: row.issues,
    algorithm: row.algorithm,
    material: { certDer: Buffer.from(row.cert_der), privateKeyPkcs8: keyBox.open(row.private_key_enc, CA_AAD), algorithm: row.algorithm },
  };
}

async function loadOrCreate(db: Db, keyBox: SecretBox, kind: CertKind, algorithm: KeyAlgorithm, now: Date): Promise<{ ca: CaEntry; created: boolean }> {
  const id = ISSUING[kind].id(algorithm);
  const select = () => db.selectFrom('certificate_authorities').select(['id', 'algorithm', 'cert_der', 'private_key_enc', 'issues']).where('id', '=', id);
  const row = await select().executeTakeFirst();
  if (row) return { ca: toEntry(row, keyBox), created: false };
  const ca = await createCertificateAuthority({ commonName: `${ISSUING[kind].name} (${algorithm})`, algorithm, now, years: 20 });
  await db
    .insertInto('certificate_authorities')
    .values({ id, algorithm, cert_der: ca.certDer, private_key_enc: keyBox.seal(ca.privateKeyPkcs8, CA_AAD), created_at: now, issues: kind })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  // Another process may have won the race: use whichever CA is stored.
  const stored = await select().executeTakeFirstOrThrow();
  return { ca: toEntry(stored, keyBox), created: Buffer.from(stored.cert_der).equals(ca.certDer) };
}

/** The CAs that issue today's certificates: created on first start, keys sealed at rest, then reused. */
export async function loadOrCreateIssuingCas(
  db: Db,
  keyBox: SecretBox,
  algorithm: KeyAlgorithm,
  now: Date,
): Promise<{ issuing: Readonly<Record<CertKind, CaEntry>>; created: boolean }> {
  const auth = await loadOrCreate(db, keyBox, 'auth', algorithm, now);
  const sign = await loadOrCreate(db, keyBox, 'sign', algorithm, now);
  return { issuing: { auth: auth.ca, sign: sign.ca }, created: auth.created || sign.created };
}

export function createCaDirectory(db: Db, keyBox: SecretBox): CaDirectory {
  let cache: Map<string, CaEntry> | null = null;
  let loadedAt = 0;
  const load = async () => {
    loadedAt = Date.now();
    const rows = await db.selectFrom('certificate_authorities').select(['id', 'algorithm', 'cert_der', 'private_key_enc', 'issues']).orderBy('created_at').execute();
    cache = new Map(rows.map((r) => [r.id, toEntry(r, keyBox)]));
    return cache;
  };
  return {
    async all() {
      return [...(cache ?? (await load())).values()];
    },
    async byId(id) {
      const hit = (cache ?? (await load())).get(id);
      if (hit) return hit;
      // An unknown id reloads at most once a second, so made-up ids cannot turn into a query each.
      if (Date.now() - loadedAt < 1000) return null;
      return (await load()).get(id) ?? null;
    },
  };
}
