// Summarises a V8 .cpuprofile (e.g. from BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench/results/prof"):
// self time by function, self time by package/area, and inclusive time of the busiest frames.
// Usage: tsx bench/cpuprofile-top.ts <file.cpuprofile> [rows] [skip-seconds]
// skip-seconds drops the first seconds of the profile (start-up, module loading by tsx).
// The V8 profiler samples wall-clock time of the JS thread: time the thread spends preempted inside a system
// call (e.g. writev on a busy machine) is attributed to that call.
import { readFileSync } from 'node:fs';

type Frame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx bench/cpuprofile-top.ts <file.cpuprofile> [rows]');
  process.exit(2);
}
const rows = Number(process.argv[3] ?? 30);
const skipUs = Number(process.argv[4] ?? 0) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map<number, Node>();
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}

const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'npm:').replace(/^.*\/(src|bench)\//, '$1/');
const key = (f: Frame) => `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;

function area(f: Frame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native/builtin)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url);
  if (m) return `npm:${m[1]}`;
  if (f.url.startsWith('node:')) return f.url.split('/').slice(0, 2).join('/');
  const s = /\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(f.url);
  return s ? s[1]! : shortUrl(f.url);
}

const self = new Map<string, number>();
const areas = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let elapsed = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  elapsed += dt;
  if (elapsed < skipUs) return;
  total += dt;
  const node = byId.get(id)!;
  self.set(key(node.callFrame), (self.get(key(node.callFrame)) ?? 0) + dt);
  areas.set(area(node.callFrame), (areas.get(area(node.callFrame)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
});

const idle = self.get('(idle)  ') ?? 0;
const busy = total - idle;
const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1).padStart(5)} %`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);

console.log(`${file}${skipUs ? ` (first ${skipUs / 1e6} s skipped)` : ''}\nprofiled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${pct(busy, total).trim()}), idle ${(idle / 1e6).toFixed(1)} s\n`);
console.log('self time by area (share of busy time):');
for (const [k, v] of top(areas, 25)) if (k !== '(idle)') console.log(`  ${ms(v)} ${pct(v, busy)}  ${k}`);
console.log(`\ntop ${rows} functions by self time:`);
for (const [k, v] of top(self, rows + 1)) if (k !== '(idle)  ') console.log(`  ${ms(v)} ${pct(v, busy)}  ${k}`);
console.log(`\ntop ${rows} frames by inclusive time:`);
for (const [k, v] of top(inclusive, rows + 1)) if (k !== '(idle)  ' && k !== '(root)  ') console.log(`  ${ms(v)} ${pct(v, busy)}  ${k}`);
