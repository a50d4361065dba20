import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type DevSecrets = { pepper: Buffer; masterKey: Buffer; bootstrapToken: string };

/**
 * Development secrets, generated once into the data folder so that restarts keep working. Production sets
 * KAGIYA_PEPPER and KAGIYA_MASTER_KEY; the server warns loudly whenever these are in use.
 */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    return { pepper: Buffer.from(raw.pepper!, 'base64'), masterKey: Buffer.from(raw.masterKey!, 'base64'), bootstrapToken: raw.bootstrapToken! };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = { pepper: randomBytes(32), masterKey: randomBytes(32), bootstrapToken: `kgy_admin_${randomBytes(18).toString('base64url')}` };
  writeFileSync(
    file,
    JSON.stringify({ pepper: secrets.pepper.toString('base64'), masterKey: secrets.masterKey.toString('base64'), bootstrapToken: secrets.bootstrapToken }),
    { mode: 0o600 },
  );
  chmodSync(file, 0o600);
  return secrets;
}
