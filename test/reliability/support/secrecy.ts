import { readFileSync } from 'node:fs';
import pg from 'pg';

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONG_HEX = /(?:\\\\x|\\x)?[0-9a-f]{16,}/gi;
// A JSON number of up to 9 digits (ids, counts, pids, durations) is never one of our secrets: PINs, card keys and
// inquiry codes are strings and a My Number has 12 digits. Without this, event id 4831 would read as PIN 4831.
const SHORT_NUMBERS = /(?<=[:[,]\s*)-?\d{1,9}(?:\.\d+)?(?=\s*[,\]}])/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type SecretKind = 'myNumber' | 'pin' | 'cardKey' | 'inquiryCode';
export type Hit = Readonly<{ where: string; kind: SecretKind; excerpt: string }>;

/**
 * Every My Number, PIN, card key and inquiry code a part of the suite created, and every place it looked for them
 * in clear: log lines, response bodies, database rows. A secret counts as found only as a whole token (not inside
 * a longer run of letters or digits), after UUIDs, long hex runs and short JSON numbers are set aside.
 */
export class SecretLedger {
  private readonly secrets = new Map<string, SecretKind>();
  private pattern: RegExp | null = null;
  readonly hits: Hit[] = [];
  scanned = { logLines: 0, responses: 0, tables: 0, rows: 0 };

  add(kind: SecretKind, value: string): void {
    if (!value || this.secrets.has(value)) return;
    this.secrets.set(value, kind);
    if (kind === 'myNumber') {
      // the same number as a person would write it
      this.secrets.set(value.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3'), kind);
      this.secrets.set(value.replace(/(\d{4})(\d{4})(\d{4})/, '$1-$2-$3'), kind);
    }
    this.pattern = null;
  }

  get size(): number {
    return this.secrets.size;
  }

  counts(): Record<SecretKind, number> {
    const out: Record<SecretKind, number> = { myNumber: 0, pin: 0, cardKey: 0, inquiryCode: 0 };
    for (const kind of this.secrets.values()) out[kind] += 1;
    return out;
  }

  private regex(): RegExp {
    if (!this.pattern) {
      const alternatives = [...this.secrets.keys()].sort((a, b) => b.length - a.length).map(escape);
      this.pattern = new RegExp(`(?<![0-9A-Za-z])(${alternatives.join('|') || '(?!)'})(?![0-9A-Za-z])`, 'g');
    }
    return this.pattern;
  }

  scanText(where: string, text: string): number {
    if (this.secrets.size === 0 || !text) return 0;
    const cleaned = text.replace(UUIDS, ' ').replace(LONG_HEX, ' ').replace(SHORT_NUMBERS, '0');
    let found = 0;
    for (const match of cleaned.matchAll(this.regex())) {
      found += 1;
      const at = match.index ?? 0;
      this.hits.push({ where, kind: this.secrets.get(match[1]!)!, excerpt: cleaned.slice(Math.max(0, at - 60), at + 60) });
    }
    return found;
  }

  /** A response body, except the one field that delivers a secret to its holder by design (named by the caller). */
  scanResponse(where: string, text: string, delivered: readonly string[] = []): void {
    this.scanned.responses += 1;
    let body = text;
    for (const value of delivered) body = body.split(value).join('«delivered»');
    this.scanText(`response ${where}`, body);
  }

  scanLogFiles(files: readonly string[]): void {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      this.scanned.logLines += text.split('\n').length;
      this.scanText(`log ${file}`, text);
    }
  }

  /** Every row of every table of the database, as JSON text (bytea as hex). */
  async scanDatabase(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(
        "select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
      );
      for (const { name } of tables.rows) {
        this.scanned.tables += 1;
        const rows = await client.query<{ j: string }>(`select row_to_json(t)::text as j from ${name} t`);
        this.scanned.rows += rows.rows.length;
        for (const row of rows.rows) this.scanText(`table ${name}`, row.j);
      }
    } finally {
      await client.end();
    }
  }

  summary() {
    return { secrets: this.counts(), scanned: this.scanned, hits: this.hits.length };
  }
}
