import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { OidcDb } from '../db/oidc-schema.js';
import type { SecretBox } from '../pki/secret-box.js';

// The provider's long-lived secrets: the ID-token signing key (published in the JWKS), the cookie keys and the salt
// of the pairwise subjects. Created once, sealed with the master key, and read back by every later start and every
// node, so tokens and sessions survive restarts and subjects never change (a new salt would re-key every resident).

export type OidcSecrets = Readonly<{
  /** Private JWKs (RS256) for oidc-provider's `jwks`; the provider publishes only their public halves. */
  signingKeys: Record<string, unknown>[];
  cookieKeys: string[];
  pairwiseSalt: Buffer;
}>;

async function loadOrCreate(db: OidcDb, box: SecretBox, name: string, make: () => Buffer, now: Date): Promise<Buffer> {
  const aad = `oidc-secret:${name}`;
  const read = () => db.selectFrom('oidc_secrets').select('sealed').where('name', '=', name).executeTakeFirst();
  const existing = await read();
  if (existing) return box.open(existing.sealed, aad);
  await db
    .insertInto('oidc_secrets')
    .values({ name, sealed: box.seal(make(), aad), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  // Another node may have won the race: everyone uses the stored value.
  return box.open((await read())!.sealed, aad);
}

function newSigningKey(): Buffer {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
  return Buffer.from(JSON.stringify(jwk), 'utf8');
}

export async function loadOrCreateOidcSecrets(db: OidcDb, box: SecretBox, now: Date): Promise<OidcSecrets> {
  const signing = await loadOrCreate(db, box, 'signing-key-1', newSigningKey, now);
  const cookie = await loadOrCreate(db, box, 'cookie-key-1', () => randomBytes(32), now);
  const salt = await loadOrCreate(db, box, 'pairwise-salt', () => randomBytes(32), now);
  return {
    signingKeys: [JSON.parse(signing.toString('utf8')) as Record<string, unknown>],
    cookieKeys: [cookie.toString('base64url')],
    pairwiseSalt: salt,
  };
}
