import { pino } from 'pino';
import { existsSync } from 'node:fs';
import { demoCardsNow, demoManifestPath, demoReaderCardPath, seedDemoData, seedReferenceData, type DemoCardNow, type DemoManifest } from './adapters/cli/demo-data.js';
import { loadOrCreateDevSecrets } from './adapters/dev-secrets.js';
import { ConfigError, loadConfig } from './config.js';
import { classifyDbFault } from './adapters/db/db-faults.js';
import { createSystem } from './system.js';
import { survivingBackgroundDbFaults } from './adapters/process/background-db-faults.js';
import { evaluateServiceFlags } from './app/risk-detection.js';
import { startServer } from './adapters/http/node-server.js';
import { seedDemoClients } from './adapters/cli/demo-clients.js';


/**
 * `generatedToken` is the development admin token this process made up (demo mode, none supplied); a token the
 * operator supplied through KAGIYA_BOOTSTRAP_TOKEN is never printed: they have it, and logs are read by others.
 */
type ServiceLine = Readonly<{ nameJa: string; nameEn: string; url: string }>;

function printBanner(
  url: string,
  generatedToken: string | null,
  operatorToken: boolean,
  manifest: DemoManifest | null,
  cards: readonly DemoCardNow[],
  status: { publicUrl: string; caIds: string[] },
  services: readonly ServiceLine[],
  readerCardFile: string | null,
  mailbox: boolean,
) {
  const lines = [
    '',
    `鍵屋 Kagiya が起動しました / Kagiya is running: ${url}`,
    `  OpenAPI: ${url}/api/openapi.json`,
    `  入口 / start page: ${url}/`,
    `  OpenID Connect: ${url}/.well-known/openid-configuration`,
    ...(manifest && mailbox ? [`  開発用メールボックス / development mailbox（通知 / notifications）: ${url}/dev/mailbox`] : []),
    `  証明書の失効情報 / certificate status: OCSP ${status.publicUrl}/pki/ocsp`,
    ...status.caIds.map((id) => `    CA ${status.publicUrl}/pki/ca/${id}.crt  CRL ${status.publicUrl}/pki/crl/${id}.crl`),
  ];
  if (generatedToken) lines.push(`  開発用の全国管理者トークン / development national admin token (Authorization: Bearer …): ${generatedToken}`);
  else if (operatorToken) lines.push('  全国管理者トークン: KAGIYA_BOOTSTRAP_TOKEN の値（表示しません） / national admin token: the value of KAGIYA_BOOTSTRAP_TOKEN (not shown)');
  if (manifest) {
    for (const t of manifest.staffTokens) lines.push(`  職員トークン / staff token, ${t.label}: ${t.token}`);
    for (const t of manifest.relyingParties ?? []) lines.push(`  署名用証明書の失効確認トークン / relying-party token (signing status), ${t.label}: ${t.token}`);
    lines.push('', `窓口コンソール / counter console: ${url}/counter/`);
    lines.push(`  職員 / staff (password ${manifest.staff[0]?.password ?? ''}; TOTP code: npm run totp -- <loginId>):`);
    lines.push(`  ${manifest.staff.map((s) => `${s.loginId} (${s.role}${s.municipalityCode ? ` ${s.municipalityCode}` : ''})`).join(', ')}`);
    lines.push(`  案内ページ / guidance: ${url}/guidance/111007  (?lang=en)`);
    if (services.length > 0) {
      lines.push('', 'デモサービス / demo services (マイナンバーカードでログイン / log in with a demo card file and its auth PIN):');
      for (const s of services) lines.push(`  ${s.nameJa} / ${s.nameEn}: ${s.url}`);
    }
    lines.push('', 'デモ用カード（現在のデータベースの内容） / demo cards, as the database has them now (header X-Card-Key: cardKey):');
    for (const c of cards) {
      const where = c.municipality ? `${c.municipality.nameJa} ${c.municipality.code} / ${c.municipality.nameEn}` : 'データベースにありません / not in the database';
      lines.push(`  ■ ${c.name} [${where}${c.status && c.status !== 'active' ? `, ${c.status}` : ''}] — ${c.story} / ${c.storyEn}`);
      lines.push(`    cardId ${c.cardId}  cardKey ${c.cardKey}`);
      const pins = Object.entries(c.pins).map(([slot, pin]) => `${slot}=${pin}`).join('  ');
      lines.push(`    PIN: ${pins}${c.pinsChanged ? '  （再設定・変更済みのため異なる場合があります / changed since seeding, may differ）' : ''}`);
    }
    lines.push('  デモを初めからやり直す / reset the demo: README「デモをやり直す / Resetting the demo」');
    const first = manifest.cards[0];
    if (first) {
      lines.push('', '試す / try:');
      lines.push(`  curl -s ${url}/api/v1/cards/${first.cardId}/status -H 'X-Card-Key: ${first.cardKey}'`);
      if (services.length > 0) {
        lines.push(`  ${services[0]!.url} →「ログイン」/ "Log in" → カードファイル / card file:`);
        lines.push(`    {"cardId":"${first.cardId}","cardKey":"${first.cardKey}"}   利用者証明用 / auth PIN ${first.pins.auth ?? ''}`);
      }
    }
    if (readerCardFile) {
      lines.push('', 'ICカードリーダーで使う / on a card reader (pcscd + vsmartcard-vpcd + opensc; README "The card on a reader"):');
      lines.push(`  npx kagiya reader --url ${url} --card-file ${readerCardFile} --trace`);
    }
  }
  console.log(lines.join('\n') + '\n');
}

async function main() {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: undefined });
  process.on('unhandledRejection', survivingBackgroundDbFaults(logger));
  const warnings: string[] = [];
  const dev = loadOrCreateDevSecrets(config.dataDir);
  // DESIGN.md: loud warnings for every development default still in force.
  if (config.database.kind === 'pglite') warnings.push(`embedded PGlite database in ${config.database.dataDir} (set DATABASE_URL for PostgreSQL)`);
  if (!config.pepper) warnings.push('generated development PIN pepper (set KAGIYA_PEPPER)');
  if (!config.masterKey) warnings.push('generated development master key for private keys and My Numbers (set KAGIYA_MASTER_KEY)');
  const bootstrapToken = config.bootstrapToken ?? (config.demo ? dev.bootstrapToken : null);
  if (!config.bootstrapToken && config.demo) warnings.push('generated development admin token (set KAGIYA_BOOTSTRAP_TOKEN)');

  // A node started while its database blips (a restart, a failover, terminated backends) waits for it rather than
  // exiting: each try builds the system afresh; only a database fault is retried (issue #12, part 2 found it).
  const system = await startWithRetry(logger, async () => {
    const s = await createSystem({
      database: config.database,
      pepper: config.pepper ?? dev.pepper,
      masterKey: config.masterKey ?? dev.masterKey,
      keyAlgorithm: config.keyAlgorithm,
      publicUrl: config.publicUrl,
      readerIdleSeconds: config.readerIdleSeconds,
      kioskHours: config.kioskHours,
      riskRules: config.riskRules,
      trustedProxies: config.trustedProxies,
      bootstrapToken,
      logger,
      // The development mailbox only with demo data and no SMTP server: never in a production configuration.
      devMailbox: config.demo && !config.smtpUrl,
    });
    try {
      await seedReferenceData(s.deps, s.db);
      // The CA directory too, within the retried start-up (it is cached from here on): read after it, a terminated
      // backend killed a starting node (part 2 found it).
      await s.cas.all();
      return s;
    } catch (error) {
      await s.close().catch(() => undefined);
      throw error;
    }
  });
  if (system.caCreated) warnings.push('a new development CA was generated and stored (sealed) in the database');
  let manifest: DemoManifest | null = null;
  let cards: DemoCardNow[] = [];
  if (config.demo) {
    warnings.push('demo data seeded (set KAGIYA_DEMO=0 to start empty)');
    manifest = await seedDemoData(system.deps, system.db, system.tokens, demoManifestPath(config.dataDir), config.publicUrl);
    if (manifest) cards = await demoCardsNow(system.db, manifest);
    else warnings.push(`the database already holds residents but ${demoManifestPath(config.dataDir)} is missing, so no demo cards are listed (see README, "Resetting the demo")`);
  }
  if (!config.smtpUrl) warnings.push(`no SMTP server (set KAGIYA_SMTP_URL): notifications are kept, not e-mailed${config.demo ? '; see /dev/mailbox' : ''}`);
  for (const w of warnings) logger.warn(`DEVELOPMENT DEFAULT: ${w}`);
  const caIds = (await system.cas.all()).map((ca) => ca.id);

  const server = await startServer(system, {
    port: config.port,
    host: config.host,
    publicUrl: config.port === 0 ? null : config.publicUrl,
    retry: (step) => startWithRetry(logger, step),
  });
  if (config.jobs) {
    // The worker: notifications and mass jobs on the job queue (pg-boss), in this process but never in a request. It
    // starts once the server listens, in the background: the web process neither waits for it nor dies with it. A
    // database that drops it while it starts (a restart, a failover) gets it retried with backoff until it runs.
    const settings = { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, scanSeconds: config.notifyScanSeconds };
    const startWorker = async (attempt: number): Promise<void> => {
      try {
        await system.startJobs(settings);
      } catch (error) {
        const delayMs = Math.min(30_000, 1_000 * 2 ** attempt);
        logger.error({ err: { message: (error as Error).message }, retryInMs: delayMs }, 'job worker did not start; retrying');
        setTimeout(() => void startWorker(attempt + 1), delayMs).unref();
      }
    };
    void startWorker(0);
  }
  // The demo relying services (apps/), each its own small server speaking OIDC and HTTP to Kagiya.
  const running: { nameJa: string; nameEn: string; url: string; close(): Promise<void> }[] = [];
  if (config.demo && config.demoServices) {
    const { demoServices } = await import('../apps/demo-services.js');
    const services = demoServices(config.host === '0.0.0.0' ? '127.0.0.1' : config.host, { kioskHours: config.kioskHours });
    if (config.kioskHours === 'always') logger.warn('DEVELOPMENT DEFAULT: the demo kiosk ignores its 06:30–23:00 JST hours (KAGIYA_KIOSK_HOURS=always)');
    const secrets = await seedDemoClients(system.oidc, services);
    for (const service of services) {
      const clientSecret = secrets.get(service.clientId);
      if (!clientSecret) continue;
      try {
        // The signing certificate's status is for registered relying parties only (docs/decisions.md): such a service
        // uses the relying-party token the demo seed made for it (or, without a manifest, a new one).
        const seeded = manifest?.relyingParties?.find((r) => r.service === service.clientId)?.token;
        const statusToken = !service.needsStatusToken
          ? null
          : (seeded ??
            (await system.tokens.create({ id: system.deps.secrets.newId(), label: `${service.nameEn} (demo relying service)`, role: 'relying_party', municipalityCode: null, now: system.deps.clock() })));
        const started = await service.start({ port: service.port, host: config.host, issuer: server.url, clientId: service.clientId, clientSecret, statusToken });
        running.push({ nameJa: service.nameJa, nameEn: service.nameEn, url: started.url, close: started.close });
      } catch (error) {
        logger.error(`demo service ${service.clientId} could not start on port ${service.port}: ${(error as Error).message}`);
      }
    }
  }
  const generated = config.bootstrapToken ? null : bootstrapToken;
  const readerCard = demoReaderCardPath(config.dataDir);
  const readerCardFile = manifest && existsSync(readerCard) ? readerCard : null;
  printBanner(server.url, generated, config.bootstrapToken !== null, manifest, cards, { publicUrl: config.publicUrl, caIds }, running, readerCardFile, system.deps.mailbox !== null);
  // Relying services' failure rates, on a short in-process interval (docs/decisions.md "Risk holds and source
  // blocks"): each node evaluates; a flag is one row per service (unique index), so several nodes agree.
  const riskTimer = config.riskIntervalSeconds > 0 ? setInterval(() => {
    evaluateServiceFlags(system.deps).catch((error: Error) => logger.warn({ err: { message: error.message } }, 'risk evaluation failed; retried at the next interval'));
  }, config.riskIntervalSeconds * 1000) : null;
  riskTimer?.unref();
  const shutdown = () => {
    if (riskTimer) clearInterval(riskTimer);
    void Promise.all([server.close(), ...running.map((r) => r.close())])
      .then(() => system.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const START_TRIES = 30;

async function startWithRetry<T>(logger: { warn(obj: object, msg: string): void }, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= START_TRIES || classifyDbFault(error) === null) throw error;
      logger.warn({ attempt, fault: classifyDbFault(error) }, 'database not available at start-up; retrying in 1 s');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`設定エラー / configuration error: ${error.message}`);
  else console.error('起動に失敗しました / start-up failed:', error);
  process.exit(1);
});
