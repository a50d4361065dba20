// Child process for the crash test: spends a try through the real use case, then is killed by SIGKILL
// inside the compare, i.e. after the decrement committed and before any restore.
import { pino } from 'pino';
import { verifyPin } from '../../src/app/verify-pin.js';
import { createSystem } from '../../src/system.js';

const env = process.env;
const system = await createSystem({
  database: { kind: 'postgres', url: env.CRASH_DATABASE_URL!, poolSize: 2 },
  pepper: Buffer.from(env.CRASH_PEPPER!, 'hex'),
  masterKey: Buffer.from(env.CRASH_MASTER_KEY!, 'hex'),
  keyAlgorithm: 'ECDSA-P256',
  bootstrapToken: null,
  logger: pino({ level: 'silent' }),
  wrapPinHasher: (inner) => ({
    hash: inner.hash,
    matches() {
      process.kill(process.pid, 'SIGKILL');
      return false;
    },
  }),
});
await verifyPin(system.deps, {
  cardId: env.CRASH_CARD_ID!,
  cardKey: env.CRASH_CARD_KEY!,
  slot: 'auth',
  pin: env.CRASH_PIN!,
  context: { channel: 'smartphone', service: 'crash-test', terminal: null, actor: null },
});
console.error('the compare was never reached');
process.exit(3);
