#!/usr/bin/env bash
# PostgreSQL CPU per PIN entry for the very statement the server runs, for A/B tests of the statement or the schema
# (docs/decisions.md, "The PIN statement's writes, leaner"). Needs a kept bench database and a local server whose
# postmaster this user can read in /proc:
#   BENCH_KEEP_DB=1 BENCH_SYSTEMS=floor BENCH_SIZES=1000000 npx tsx bench/run-bench.ts
#   bench/pgbench-cpu.sh [runs=3] [seconds=6] [cards=10000] [clients=8] [entries per statement=1]
# Each run: a checkpoint, then pgbench with synchronous_commit=off (CPU only, not the disk); CPU is the postmaster's
# reaped children (the backends) over the entries, the card-pick read included. Compare figures taken
# back to back: this machine's absolute speed moves.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; secs=${2:-6}; cards=${3:-10000}; clients=${4:-8}; entries=${5:-1}
url=${BENCH_DB_URL:-postgres://postgres@127.0.0.1:5432/kagiya_bench}
datadir=$(psql -qtAX "$url" -c 'show data_directory')
pm=$(head -1 "$datadir/postmaster.pid")
script=$(mktemp --suffix=.sql)
npx tsx -e "import('./bench/lib/pgbench.ts').then((m) => require('node:fs').writeFileSync('$script', m.verifyScript($entries)))"
cpu() { awk '{print $16 + $17}' "/proc/$pm/stat"; }
for _ in $(seq 1 "$runs"); do
  psql -qX "$url" -c checkpoint
  before=$(cpu)
  out=$(PGOPTIONS='-c synchronous_commit=off' pgbench --no-vacuum -M prepared -c "$clients" -j 2 -T "$secs" -D ncards="$cards" -f "$script" "$url" 2>&1)
  sleep 0.5
  after=$(cpu)
  tx=$(grep -oE 'actually processed: [0-9]+' <<<"$out" | grep -oE '[0-9]+$')
  tps=$(grep -oE 'tps = [0-9.]+' <<<"$out" | head -1)
  echo "$tps ($entries entries each)  PostgreSQL CPU ms per entry: $(awk -v a="$before" -v b="$after" -v n="$tx" -v k="$entries" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", (b - a) * 1000 / hz / n / k }')"
done
rm -f "$script"
