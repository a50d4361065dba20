import { sql } from 'kysely';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppDeps, AuditLog, Clock, PinHasher, TxDeps } from './app/ports.js';
import type { AuditStore } from './app/counter-ports.js';
import { auditedTransaction, createAuditStore } from './adapters/db/audit-store.js';
import type { Actor } from './domain/actor.js';
import { createMyNumberVault } from './adapters/crypto/my-number-vault.js';
import { createPinHasher } from './adapters/crypto/pin-hasher.js';
import { createSecrets } from './adapters/crypto/secrets.js';
import { createCaDirectory, loadOrCreateIssuingCas, type CaDirectory } from './adapters/db/ca-store.js';
import { createCertificateStatusStore } from './adapters/db/certificate-status-store.js';
import { createCrlPublisher } from './adapters/db/crl-store.js';
import { createOcspResponder } from './adapters/pki/ocsp-responder.js';
import { currentCertificateStatus } from './app/certificate-status.js';
import { createCardStore } from './adapters/db/card-store.js';
import { warnIfAutovacuumOff } from './adapters/db/autovacuum-check.js';
import { createDb, type Db, type DbConfig } from './adapters/db/create-db.js';
import { migrateToLatest, pendingMigrations } from './adapters/db/migrate.js';
import { createResidentStore } from './adapters/db/resident-store.js';
import { createReaderSessionStore } from './adapters/db/reader-session-store.js';
import { createKioskResetStore, openProceduresOf } from './adapters/db/kiosk-reset-store.js';
import { createTokenStore } from './adapters/db/token-store.js';
import { createApp } from './adapters/http/create-app.js';
import type { HttpDeps, Readiness } from './adapters/http/http-context.js';
import { DEFAULT_TRUSTED_PROXIES } from './adapters/http/client-address.js';
import { createCardPki } from './adapters/pki/card-pki.js';
import type { KeyAlgorithm } from './adapters/pki/key-algorithm.js';
import { createSecretBox, deriveKey } from './adapters/pki/secret-box.js';
import { createCounterSecrets } from './adapters/crypto/counter-secrets.js';
import { createPasswordHasher } from './adapters/crypto/password-hasher.js';
import { createTotpVerifier } from './adapters/crypto/totp.js';
import { createCounterUnitOfWork } from './adapters/db/counter-unit-of-work.js';
import { verifyCardEventChain } from './adapters/db/card-event-chain.js';
import { createStaffStore } from './adapters/db/staff-store.js';
import { createClientReportStore } from './adapters/db/client-report-store.js';
import { REPORT_LIMITS, type ReportLimits } from './app/client-report-ports.js';
import { staffFromSession } from './app/staff-sign-in.js';
import type { CounterDeps } from './app/counter-ports.js';
import { createOidcSystem, type OidcSystem } from './adapters/oidc/oidc-system.js';
import { createMassJobStore } from './adapters/db/mass-job-store.js';
import { createNotificationStore } from './adapters/db/notification-store.js';
import { createContactEmailStore } from './adapters/db/contact-email-store.js';
import { startJobs, type Jobs, type JobSettings } from './adapters/jobs/start-jobs.js';
import { createRiskStore } from './adapters/db/risk-store.js';
import { createSourceGate } from './adapters/source-gate.js';
import { DEFAULT_RISK_RULES, type RiskRules } from './domain/risk.js';

export type SystemOptions = Readonly<{
  database: DbConfig;
  pepper: Uint8Array;
  masterKey: Uint8Array;
  keyAlgorithm: KeyAlgorithm;
  /** Kagiya's origin, named in certificates' AIA and CRLDP (Config.publicUrl). */
  publicUrl?: string;
  bootstrapToken: string | null;
  logger: Logger;
  /** Idle time after which a card on a reader forgets its verified PINs; default 60 s. */
  readerIdleSeconds?: number;
  clock?: Clock;
  /** Client reports accepted per card and per source within a window (default REPORT_LIMITS). */
  clientReportLimits?: ReportLimits;
  /** Risk rules (domain/risk.ts); Config.riskRules, defaults otherwise. */
  riskRules?: RiskRules;
  /** Addresses whose X-Forwarded-For is believed (adapters/http/client-address.ts); default loopback. */
  trustedProxies?: readonly string[];
  /** Tests wrap the hasher to count comparisons. */
  wrapPinHasher?: (hasher: PinHasher) => PinHasher;
  /** Serve the development mailbox page (/dev/mailbox): demo data and no SMTP server configured. */
  devMailbox?: boolean;
  /** The kiosk reset's hours: 'jst' (06:30–23:00 JST, the default) or 'always' (Config.kioskHours, development). */
  kioskHours?: 'jst' | 'always';
}>;

export type System = Readonly<{
  db: Db;
  deps: HttpDeps;
  app: ReturnType<typeof createApp>;
  tokens: ReturnType<typeof createTokenStore>;
  /** The identity provider; started by startServer once Kagiya's public URL is known. */
  oidc: OidcSystem;
  caCreated: boolean;
  /** Every CA, issuing or retired, for CRL and OCSP. */
  cas: CaDirectory;
  /** Starts this process's worker on the job queue (notifications, mass jobs); main.ts does, tests that need it do. */
  startJobs(settings: JobSettings): Promise<Jobs>;
  close(): Promise<void>;
}>;

const READY_TIMEOUT_MS = 2_000;

async function readiness(db: Db): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('readiness check timed out')), READY_TIMEOUT_MS);
  });
  try {
    const pending = await Promise.race([pendingMigrations(db), timeout]);
    // A database that answers but takes no writes (a standby, or set read-only) cannot serve a PIN entry.
    const ro = await Promise.race([sql<{ ro: string }>`select current_setting('transaction_read_only') as ro`.execute(db), timeout]);
    if (ro.rows[0]?.ro === 'on') return { database: 'read-only', migrations: pending.length === 0 ? 'applied' : 'pending' };
    return { database: 'up', migrations: pending.length === 0 ? 'applied' : 'pending' };
  } catch {
    return { database: 'unreachable', migrations: 'unknown' };
  } finally {
    clearTimeout(timer);
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Wires config to database, stores, crypto, PKI and HTTP. Used by main.ts, the demo seed and the tests. */
export async function createSystem(options: SystemOptions): Promise<System> {
  const clock = options.clock ?? (() => new Date());
  const db = await createDb(options.database, {
    // A connection dropped outside a statement (idle, or between two statements); the requests it served are
    // answered SERVICE_UNAVAILABLE by the HTTP layer, the pool reconnects for the next ones.
    onFault: (error) => options.logger.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'database connection lost'),
  });
  await migrateToLatest(db);
  await warnIfAutovacuumOff(db, options.logger);
  const keyBox = createSecretBox(deriveKey(options.masterKey, 'private-keys'));
  const { issuing, created } = await loadOrCreateIssuingCas(db, keyBox, options.keyAlgorithm, clock());
  const cas = createCaDirectory(db, keyBox);
  const publicUrl = options.publicUrl ?? 'http://127.0.0.1:3000';
  const basePinHasher = createPinHasher(options.pepper);
  const counter = createCounterUnitOfWork(db);
  const auditTo = (store: AuditStore): AuditLog => ({ actor, action, target, reason, detail }) =>
    store.append({
      occurredAt: clock(),
      actorId: actor.id,
      actorRole: actor.role,
      municipalityCode: target.municipalityCode,
      action,
      targetType: target.type,
      targetId: target.id,
      reason: reason ?? null,
      detail: detail ?? {},
    });
  const shared = {
    clock,
    pinHasher: options.wrapPinHasher ? options.wrapPinHasher(basePinHasher) : basePinHasher,
    vault: createMyNumberVault(options.masterKey),
    secrets: createSecrets(),
    pki: createCardPki(issuing, options.keyAlgorithm, keyBox, publicUrl),
    certificateStatuses: createCertificateStatusStore(db),
    riskRules: options.riskRules ?? DEFAULT_RISK_RULES,
    sourceGate: createSourceGate(),
  };
  // Every store bound to one transaction: a staff action and its audit entry commit together or not at all.
  const inTransaction = (trx: Db): TxDeps => {
    const tx: TxDeps = {
      ...shared,
      cards: createCardStore(trx),
      residents: createResidentStore(trx),
      risk: createRiskStore(trx),
      audit: auditTo(createAuditStore(trx)),
      apiTokens: createTokenStore(trx),
      revokeStaffSession: (idHash, now) => createStaffStore(trx).revokeSession(idHash, now),
      kioskResets: createKioskResetStore(trx),
      atomically: (work) => work(tx),
    };
    return tx;
  };
  const deps: AppDeps = {
    ...shared,
    // Audited actions take the audit chain's lock first (audit-store.ts auditedTransaction): no lock-order deadlocks.
    atomically: (work) => auditedTransaction(db, (trx) => work(inTransaction(trx))),
    // An audit entry on its own (sign-in events and the like) is its own transaction.
    audit: (entry) => counter.run((s) => auditTo(s.audit)(entry)),
    cards: createCardStore(db),
    residents: createResidentStore(db),
    risk: createRiskStore(db),
  };
  const counterDeps: CounterDeps = {
    ...deps,
    staff: createStaffStore(db),
    counter,
    passwords: createPasswordHasher(),
    totp: createTotpVerifier(),
    // pdf-lib and fontkit load on the first letter, not at start-up (they are a large share of the start time).
    letters: { render: async (input) => (await import('./adapters/pdf/inquiry-letter.js')).renderInquiryLetter(input) },
    counterSecrets: createCounterSecrets(options.masterKey),
    verifyCardEventChain: () => verifyCardEventChain(db),
    clientReports: createClientReportStore(db),
    clientReportLimits: options.clientReportLimits ?? REPORT_LIMITS,
    async municipalityName(code) {
      const row = await db.selectFrom('municipalities').select(['name_ja', 'name_en', 'prefecture_ja']).where('code', '=', code).executeTakeFirst();
      return row ? { nameJa: row.name_ja, nameEn: row.name_en, prefectureJa: row.prefecture_ja } : null;
    },
    async listMunicipalities() {
      const rows = await db.selectFrom('municipalities').select(['code', 'name_ja', 'name_en', 'prefecture_ja']).orderBy('code').execute();
      return rows.map((r) => ({ code: r.code, nameJa: r.name_ja, nameEn: r.name_en, prefectureJa: r.prefecture_ja }));
    },
  };
  const tokens = createTokenStore(db);
  let jobs: Jobs | null = null;
  const bootstrap = options.bootstrapToken ? digest(options.bootstrapToken) : null;
  const bootstrapActor: Actor = { id: 'bootstrap', label: 'bootstrap national admin', role: 'national_admin', municipalityCode: null };
  const httpDeps: HttpDeps = {
    ...counterDeps,
    async authenticate(token) {
      if (bootstrap && timingSafeEqual(digest(token), bootstrap)) return bootstrapActor;
      return tokens.find(token);
    },
    authenticateSession: (token) => staffFromSession(counterDeps, token),
    apiTokens: tokens,
    certificateStatusServices: {
      cas,
      // A CRL is valid an hour and rebuilt at least every half hour, and at once after any status change.
      crls: createCrlPublisher(db, clock, { validityMs: 3_600_000, refreshMs: 1_800_000 }),
      // OCSP answers come from the stored row on every request; nextUpdate tells caches to ask again within a minute.
      ocsp: createOcspResponder({
        cas,
        statusOf: (query) => currentCertificateStatus(deps, query),
        clock,
        validityMs: 60_000,
        onError: (error) => options.logger.error({ err: { message: (error as Error).message } }, 'OCSP request failed'),
      }),
    },
    readiness: () => readiness(db),
    readerSessions: createReaderSessionStore(db),
    readerIdleSeconds: options.readerIdleSeconds ?? 60,
    massJobs: createMassJobStore(db),
    // Until this process runs a worker, a new job waits for whichever worker sweeps next.
    wakeMassJobs: (jobId) => (jobs ? jobs.mass.wake(jobId) : Promise.resolve()),
    mailbox: options.devMailbox ? createNotificationStore(db) : null,
    contactEmails: createContactEmailStore(db),
    openProcedures: (residentId) => openProceduresOf(db, residentId),
    kioskHours: options.kioskHours ?? 'jst',
    trustedProxies: options.trustedProxies ?? DEFAULT_TRUSTED_PROXIES,
  };
  const oidc = createOidcSystem(db, deps, options.masterKey);
  const app = createApp(httpDeps, options.logger, oidc);
  const queueDb = options.database.kind === 'postgres' ? { kind: 'postgres' as const, url: options.database.url } : { kind: 'pglite' as const };
  return {
    db,
    deps: httpDeps,
    app,
    tokens,
    oidc,
    caCreated: created,
    cas,
    async startJobs(settings) {
      jobs ??= await startJobs(db, queueDb, clock, options.logger, settings);
      return jobs;
    },
    async close() {
      await jobs?.stop().catch(() => undefined);
      await db.destroy();
    },
  };
}
