import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { DEFAULT_RISK_RULES, riskRulesWith, validRiskRules, type RiskRules } from './domain/risk.js';

// The only module that reads process.env (DESIGN.md). Everything else receives a frozen Config.

export type KeyAlgorithmSetting = 'ECDSA-P256' | 'RSA-2048';

export type Config = Readonly<{
  port: number;
  host: string;
  /**
   * Kagiya's origin as others reach it (no trailing slash): the OIDC issuer and the AIA/CRLDP URLs in
   * certificates. Env KAGIYA_PUBLIC_URL, default http://127.0.0.1:${PORT}.
   */
  publicUrl: string;
  /** Folder for the embedded database and development secrets. */
  dataDir: string;
  database: Readonly<{ kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number }>;
  /** National admin bearer token, if set. */
  bootstrapToken: string | null;
  /** Keyed-hash secret for PINs (DOMAIN.md §1); null means a generated development secret. */
  pepper: Buffer | null;
  /** Master key for private keys and My Numbers at rest; null means a generated development key. */
  masterKey: Buffer | null;
  keyAlgorithm: KeyAlgorithmSetting;
  /** A card on a reader forgets its verified PINs after this long without a command. */
  readerIdleSeconds: number;
  /** Seed demo data into an empty database. */
  demo: boolean;
  /** With demo data, also start the demo relying services (portal…) beside Kagiya (KAGIYA_DEMO_SERVICES=0: not). */
  demoServices: boolean;
  /**
   * The demo kiosk's hours: 'jst' keeps convenience-store issuance to 06:30–23:00 Japan time (the rule); 'always'
   * opens it at any hour, for trying the demo from another time zone (KAGIYA_KIOSK_HOURS).
   */
  kioskHours: 'jst' | 'always';
  logLevel: string;
  /** Risk rules (domain/risk.ts): defaults, overridden field by field by KAGIYA_RISK_RULES (JSON). */
  riskRules: RiskRules;
  /** Front ends whose X-Forwarded-For is believed (KAGIYA_TRUSTED_PROXIES, comma-separated); default loopback. */
  trustedProxies: readonly string[];
  /** How often the relying services' failure rates are evaluated (KAGIYA_RISK_INTERVAL_SECONDS; 0 = never). */
  riskIntervalSeconds: number;
  /**
   * SMTP server for holder notifications, smtp://user:pass@host:port or smtps://… (KAGIYA_SMTP_URL). Unset: nothing
   * is e-mailed; notifications stay in the outbox, which the development mailbox page shows (demo data only).
   */
  smtpUrl: string | null;
  /** Sender of notifications (KAGIYA_MAIL_FROM). */
  mailFrom: string;
  /** Run the job queue's worker in this process (KAGIYA_JOBS=0: not, for a node that only serves requests). */
  jobs: boolean;
  /** Seconds between two scans of the event log for notifications (KAGIYA_NOTIFY_SCAN_SECONDS, 1–300). */
  notifyScanSeconds: number;
}>;

export class ConfigError extends Error {}

function secret(name: string, value: string | undefined): Buffer | null {
  if (!value) return null;
  const bytes = Buffer.from(value, /^[0-9a-f]+$/i.test(value) ? 'hex' : 'base64');
  if (bytes.length < 32) throw new ConfigError(`${name} must hold at least 32 bytes (hex or base64)`);
  return bytes;
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT is not a port: ${env.PORT}`);
  const dataDir = resolve(env.KAGIYA_DATA_DIR ?? './data');
  const url = env.DATABASE_URL?.trim();
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('DATABASE_URL must start with postgres://');
  const keyAlgorithm = env.KAGIYA_KEY_ALGORITHM ?? 'ECDSA-P256';
  if (keyAlgorithm !== 'ECDSA-P256' && keyAlgorithm !== 'RSA-2048') {
    throw new ConfigError('KAGIYA_KEY_ALGORITHM must be ECDSA-P256 or RSA-2048');
  }
  const poolSize = Number(env.KAGIYA_DB_POOL ?? 20);
  const publicUrl = parsePublicUrl(env.KAGIYA_PUBLIC_URL, port);
  const readerIdleSeconds = Number(env.KAGIYA_READER_IDLE_SECONDS ?? 60);
  if (!Number.isInteger(readerIdleSeconds) || readerIdleSeconds < 1 || readerIdleSeconds > 3600) {
    throw new ConfigError('KAGIYA_READER_IDLE_SECONDS must be a whole number of seconds from 1 to 3600');
  }
  return Object.freeze({
    port,
    host: env.HOST ?? '127.0.0.1',
    publicUrl,
    dataDir,
    database: Object.freeze(
      url ? { kind: 'postgres' as const, url, poolSize } : { kind: 'pglite' as const, dataDir: resolve(dataDir, 'pglite') },
    ),
    bootstrapToken: env.KAGIYA_BOOTSTRAP_TOKEN?.trim() || null,
    pepper: secret('KAGIYA_PEPPER', env.KAGIYA_PEPPER),
    masterKey: secret('KAGIYA_MASTER_KEY', env.KAGIYA_MASTER_KEY),
    keyAlgorithm,
    readerIdleSeconds,
    demo: env.KAGIYA_DEMO !== '0',
    demoServices: env.KAGIYA_DEMO_SERVICES !== '0',
    kioskHours: kioskHours(env.KAGIYA_KIOSK_HOURS),
    logLevel: env.LOG_LEVEL ?? 'info',
    riskRules: riskRules(env.KAGIYA_RISK_RULES),
    trustedProxies: trustedProxies(env.KAGIYA_TRUSTED_PROXIES),
    riskIntervalSeconds: riskInterval(env.KAGIYA_RISK_INTERVAL_SECONDS),
    smtpUrl: smtpUrl(env.KAGIYA_SMTP_URL),
    mailFrom: env.KAGIYA_MAIL_FROM?.trim() || '鍵屋 Kagiya <no-reply@kagiya.invalid>',
    jobs: env.KAGIYA_JOBS !== '0',
    notifyScanSeconds: wholeNumber('KAGIYA_NOTIFY_SCAN_SECONDS', env.KAGIYA_NOTIFY_SCAN_SECONDS, 10, 1, 300),
  });
}

// An origin, optionally with a path prefix (behind a reverse proxy): http(s), no query, no fragment, no trailing slash.
function parsePublicUrl(value: string | undefined, port: number): string {
  const raw = value?.trim() || `http://127.0.0.1:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`KAGIYA_PUBLIC_URL is not a URL: ${raw}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new ConfigError('KAGIYA_PUBLIC_URL must be an http(s) origin without query, fragment or credentials');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function kioskHours(value: string | undefined): 'jst' | 'always' {
  const v = value?.trim() || 'jst';
  if (v !== 'jst' && v !== 'always') throw new ConfigError('KAGIYA_KIOSK_HOURS must be jst or always');
  return v;
}

/** KAGIYA_RISK_RULES: JSON overriding some figures, e.g. {"sourceSpray":{"cards":20,"blockMinutes":30}}. */
function riskRules(value: string | undefined): RiskRules {
  if (!value?.trim()) return DEFAULT_RISK_RULES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError('KAGIYA_RISK_RULES must be JSON, e.g. {"sourceSpray":{"cards":20}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError('KAGIYA_RISK_RULES must be a JSON object');
  const known = Object.keys(DEFAULT_RISK_RULES);
  for (const [key, v] of Object.entries(parsed)) {
    if (!known.includes(key)) throw new ConfigError(`KAGIYA_RISK_RULES: unknown rule ${key} (known: ${known.join(', ')})`);
    const fields = Object.keys(DEFAULT_RISK_RULES[key as keyof RiskRules]);
    if (typeof v !== 'object' || v === null) throw new ConfigError(`KAGIYA_RISK_RULES.${key} must be an object`);
    for (const f of Object.keys(v)) if (!fields.includes(f)) throw new ConfigError(`KAGIYA_RISK_RULES.${key}: unknown figure ${f} (known: ${fields.join(', ')})`);
  }
  const rules = riskRulesWith(parsed as Parameters<typeof riskRulesWith>[0]);
  const problem = validRiskRules(rules);
  if (problem) throw new ConfigError(`KAGIYA_RISK_RULES: ${problem}`);
  return rules;
}

function trustedProxies(value: string | undefined): readonly string[] {
  if (!value?.trim()) return ['127.0.0.1', '::1'];
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const a of list) if (isIP(a) === 0) throw new ConfigError(`KAGIYA_TRUSTED_PROXIES: not an IP address: ${a}`);
  return Object.freeze(list);
}

function riskInterval(value: string | undefined): number {
  const n = Number(value?.trim() || 60);
  if (!Number.isInteger(n) || n < 0 || n > 86_400) throw new ConfigError('KAGIYA_RISK_INTERVAL_SECONDS must be a whole number of seconds from 0 to 86400');
  return n;
}

function smtpUrl(value: string | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError('KAGIYA_SMTP_URL is not a URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('KAGIYA_SMTP_URL must start with smtp:// or smtps://');
  return v;
}

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(value?.trim() || fallback);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}
