import { pino } from 'pino';
import { existsSync } from 'node:fs';
import { demoCardsNow, demoManifestPath, demoReaderCardPath, seedDemoData, seedReferenceData, type DemoCardNow, type DemoManifest } from './adapters/cli/demo-data.js';
import { loadOrCreateDevSecrets } from './adapters/dev-secrets.js';
import { ConfigError, loadConfig } from './config.js';
import { createSystem } from './system.js';
import { startHttpServer } from './adapters/http/http-server.js';


/**
 * `generatedToken` is the development admin token this process made up (demo mode, none supplied); a token the
 * operator supplied through KAGIYA_BOOTSTRAP_TOKEN is never printed: they have it, and logs are read by others.
 */
function printBanner(url: string, generatedToken: string | null, operatorToken: boolean, manifest: DemoManifest | null, cards: readonly DemoCardNow[], readerCardFile: string | null) {
  const lines = [
    '',
    `鍵屋 Kagiya が起動しました / Kagiya is running: ${url}`,
    `  OpenAPI: ${url}/api/openapi.json`,
    `  入口 / start page: ${url}/`,
  ];
  if (generatedToken) lines.push(`  開発用の全国管理者トークン / development national admin token (Authorization: Bearer …): ${generatedToken}`);
  else if (operatorToken) lines.push('  全国管理者トークン: KAGIYA_BOOTSTRAP_TOKEN の値（表示しません） / national admin token: the value of KAGIYA_BOOTSTRAP_TOKEN (not shown)');
  if (manifest) {
    for (const t of manifest.staffTokens) lines.push(`  職員トークン / staff token, ${t.label}: ${t.token}`);
    lines.push('', `窓口コンソール / counter console: ${url}/counter/`);
    lines.push(`  職員 / staff (password ${manifest.staff[0]?.password ?? ''}; TOTP code: npm run totp -- <loginId>):`);
    lines.push(`  ${manifest.staff.map((s) => `${s.loginId} (${s.role}${s.municipalityCode ? ` ${s.municipalityCode}` : ''})`).join(', ')}`);
    lines.push(`  案内ページ / guidance: ${url}/guidance/111007  (?lang=en)`);
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
  const warnings: string[] = [];
  const dev = loadOrCreateDevSecrets(config.dataDir);
  // DESIGN.md: loud warnings for every development default still in force.
  if (config.database.kind === 'pglite') warnings.push(`embedded PGlite database in ${config.database.dataDir} (set DATABASE_URL for PostgreSQL)`);
  if (!config.pepper) warnings.push('generated development PIN pepper (set KAGIYA_PEPPER)');
  if (!config.masterKey) warnings.push('generated development master key for private keys and My Numbers (set KAGIYA_MASTER_KEY)');
  const bootstrapToken = config.bootstrapToken ?? (config.demo ? dev.bootstrapToken : null);
  if (!config.bootstrapToken && config.demo) warnings.push('generated development admin token (set KAGIYA_BOOTSTRAP_TOKEN)');

  const system = await createSystem({
    database: config.database,
    pepper: config.pepper ?? dev.pepper,
    masterKey: config.masterKey ?? dev.masterKey,
    keyAlgorithm: config.keyAlgorithm,
    bootstrapToken,
    logger,
    readerIdleSeconds: config.readerIdleSeconds,
  });
  if (system.caCreated) warnings.push('a new development CA was generated and stored (sealed) in the database');
  await seedReferenceData(system.deps, system.db);
  let manifest: DemoManifest | null = null;
  let cards: DemoCardNow[] = [];
  if (config.demo) {
    warnings.push('demo data seeded (set KAGIYA_DEMO=0 to start empty)');
    manifest = await seedDemoData(system.deps, system.db, system.tokens, demoManifestPath(config.dataDir));
    if (manifest) cards = await demoCardsNow(system.db, manifest);
    else warnings.push(`the database already holds residents but ${demoManifestPath(config.dataDir)} is missing, so no demo cards are listed (see README, "Resetting the demo")`);
  }
  for (const w of warnings) logger.warn(`DEVELOPMENT DEFAULT: ${w}`);

  const server = startHttpServer(system.app, { port: config.port, hostname: config.host }, (info) => {
    const generated = config.bootstrapToken ? null : bootstrapToken;
    const readerCard = demoReaderCardPath(config.dataDir);
    const readerCardFile = manifest && existsSync(readerCard) ? readerCard : null;
    printBanner(`http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${info.port}`, generated, config.bootstrapToken !== null, manifest, cards, readerCardFile);
  });
  const shutdown = () => {
    server.close();
    void system.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`設定エラー / configuration error: ${error.message}`);
  else console.error('起動に失敗しました / start-up failed:', error);
  process.exit(1);
});
