import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Vitest global setup: the browser tests need the built console (web/dist). A fresh clone has none, and a stale
// one would test old screens, so it is (re)built when any of its sources is newer. Takes about a second.
const root = join(import.meta.dirname, '..', '..', '..');
const SOURCES = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'src/domain'].map((p) => join(root, p));
const BUILT = join(root, 'web', 'dist', 'index.html');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export default function setup(): void {
  const built = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
  if (built > 0 && built >= Math.max(...SOURCES.map(newest))) return;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error('building the counter console (npm run build:web) failed');
}
