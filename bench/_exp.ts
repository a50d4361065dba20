import { runPgbench, VERIFY_SCRIPT, STATUS_SCRIPT } from './lib/pgbench.js';
const url = 'postgres://postgres@127.0.0.1:5432/kagiya_bench';
const [name, mode, clients, secs] = process.argv.slice(2);
const r = await runPgbench({ bin: '/usr/bin/pgbench', url, name: name!, script: name === 'verify' ? VERIFY_SCRIPT : STATUS_SCRIPT, mode: mode as 'prepared', clients: Number(clients), threads: 2, seconds: Number(secs ?? 8), ncards: 2000 });
console.log(`${name} ${mode} c=${clients} PGOPTIONS=${process.env.PGOPTIONS ?? ''}: ${r.tps?.toFixed(0)} tps avg ${r.latencyMs.avg} p99 ${r.latencyMs.p99?.toFixed(1)} pgCores ${r.postgresCores} busy ${r.machineBusyPercent}% → pg CPU/tx ${(1000 * r.postgresCores / (r.tps ?? 1)).toFixed(3)} ms ${r.aborted ? 'ABORTED ' + r.stderrTail : ''}`);
