import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/reliability/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

/** RELIABILITY_LONG=1 runs the soak version of each part (longer loads, more rounds); CI runs the stated numbers. */
export const LONG = process.env.RELIABILITY_LONG === '1';

/**
 * Prints a part's figures (one line a reader can grep: `[reliability] part N …`) and keeps them in
 * test-artifacts/reliability/figures.jsonl for the CI summary.
 */
export function reportFigures(part: string, figures: Record<string, unknown>): void {
  const line = `[reliability] ${part}: ${JSON.stringify(figures)}`;
  process.stdout.write(`${line}\n`);
  appendFileSync(join(ARTIFACTS, 'figures.jsonl'), `${JSON.stringify({ part, at: new Date().toISOString(), ...figures })}\n`);
}
