import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppDeps, Clock, PinHasher } from './app/ports.js';
import type { Actor } from './domain/actor.js';
import { createMyNumberVault } from './adapters/crypto/my-number-vault.js';
import { createPinHasher } from './adapters/crypto/pin-hasher.js';
import { createSecrets } from './adapters/crypto/secrets.js';
import { loadOrCreateCa } from './adapters/db/ca-store.js';
import { createCardStore } from './adapters/db/card-store.js';
import { createDb, type Db, type DbConfig } from './adapters/db/create-db.js';
import { migrateToLatest } from './adapters/db/migrate.js';
import { createResidentStore } from './adapters/db/resident-store.js';
import { createTokenStore } from './adapters/db/token-store.js';
import { createApp } from './adapters/http/create-app.js';
import type { HttpDeps } from './adapters/http/http-context.js';
import { createCardPki } from './adapters/pki/card-pki.js';
import type { KeyAlgorithm } from './adapters/pki/key-algorithm.js';
import { createSecretBox, deriveKey } from './adapters/pki/secret-box.js';

export type SystemOptions = Readonly<{
  database: DbConfig;
  pepper: Uint8Array;
  masterKey: Uint8Array;
  keyAlgorithm: KeyAlgorithm;
  bootstrapToken: string | null;
  logger: Logger;
  clock?: Clock;
  /** Tests wrap the hasher to count comparisons. */
  wrapPinHasher?: (hasher: PinHasher) => PinHasher;
}>;

export type System = Readonly<{
  db: Db;
  deps: HttpDeps;
  app: ReturnType<typeof createApp>;
  tokens: ReturnType<typeof createTokenStore>;
  caCreated: boolean;
  close(): Promise<void>;
}>;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Wires config to database, stores, crypto, PKI and HTTP. Used by main.ts, the demo seed and the tests. */
export async function createSystem(options: SystemOptions): Promise<System> {
  const clock = options.clock ?? (() => new Date());
  const db = await createDb(options.database);
  await migrateToLatest(db);
  const keyBox = createSecretBox(deriveKey(options.masterKey, 'private-keys'));
  const { ca, created } = await loadOrCreateCa(db, keyBox, options.keyAlgorithm, clock());
  const basePinHasher = createPinHasher(options.pepper);
  const deps: AppDeps = {
    clock,
    cards: createCardStore(db),
    residents: createResidentStore(db),
    pinHasher: options.wrapPinHasher ? options.wrapPinHasher(basePinHasher) : basePinHasher,
    vault: createMyNumberVault(options.masterKey),
    secrets: createSecrets(),
    pki: createCardPki(ca, options.keyAlgorithm, keyBox),
  };
  const tokens = createTokenStore(db);
  const bootstrap = options.bootstrapToken ? digest(options.bootstrapToken) : null;
  const bootstrapActor: Actor = { id: 'bootstrap', label: 'bootstrap national admin', role: 'national_admin', municipalityCode: null };
  const httpDeps: HttpDeps = {
    ...deps,
    async authenticate(token) {
      if (bootstrap && timingSafeEqual(digest(token), bootstrap)) return bootstrapActor;
      return tokens.find(token);
    },
  };
  const app = createApp(httpDeps, options.logger);
  return { db, deps: httpDeps, app, tokens, caCreated: created, close: () => db.destroy() };
}
