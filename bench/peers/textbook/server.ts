// The textbook peer: what a Node team builds for "check a PIN, lock after N wrong tries" from the usual tutorials.
// Express, node-postgres, and rate-limiter-flexible's PostgreSQL store in the "consecutive failures by key" pattern
// of its own README (wiki "Overall example → Login endpoint protection"): read the limiter, refuse if blocked,
// check the PIN, consume a point on failure, delete the key on success. Same schema as Kagiya (cards, pin_slots),
// same keyed PIN hash (HMAC-SHA256 with the pepper over card id, slot and PIN), same card-key hash.
//
// Started by bench/run-bench.ts as a child process; prints {"ready":true,"port":…} once listening. GET
// /bench/compared says how many PINs it has compared (for the race: the limiter's read-then-write lets a burst
// through).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`textbook peer: ${name} is not set`);
  return value;
};

const MAX_TRIES = { auth: 3, sign: 5, assist: 3, juki: 3 } as const;
type Slot = keyof typeof MAX_TRIES;
const isSlot = (s: string): s is Slot => s in MAX_TRIES;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const pepper = Buffer.from(env('PEER_PEPPER_HEX'), 'hex');
const pool = new pg.Pool({ connectionString: env('PEER_DB_URL'), max: Number(process.env.PEER_POOL_SIZE ?? 16) });
pool.on('error', () => undefined);

const pinHash = (cardId: string, slot: Slot, pin: string) => createHmac('sha256', pepper).update(`kagiya-pin:v1:${cardId}:${slot}:${pin}`).digest();
const keyHash = (cardKey: string) => createHash('sha256').update(`kagiya-card-key:v1:${cardKey}`).digest();

function limiter(slot: Slot): Promise<RateLimiterPostgres> {
  return new Promise((resolve, reject) => {
    const l: RateLimiterPostgres = new RateLimiterPostgres(
      {
        storeClient: pool,
        tableName: 'textbook_pin_fails',
        keyPrefix: `pin_fail_consecutive_${slot}`,
        points: MAX_TRIES[slot],
        duration: 0, // never expires: time does not restore a PIN counter
      },
      (error?: Error) => (error ? reject(error) : resolve(l)),
    );
  });
}

let compared = 0;

async function main() {
  // One after another: the store creates its table on first use, and concurrent CREATE TABLE races.
  const limiters = {} as Record<Slot, RateLimiterPostgres>;
  for (const slot of Object.keys(MAX_TRIES) as Slot[]) limiters[slot] = await limiter(slot);

  const app = express();
  app.use(express.json());

  app.post('/api/v1/cards/:cardId/pins/:slot/verify', async (req: Request, res: Response) => {
    const { cardId, slot } = req.params as { cardId: string; slot: string };
    const cardKey = req.get('x-card-key');
    if (!isSlot(slot) || !cardKey || !UUID.test(cardId)) return res.status(401).json({ error: { code: 'CARD_REJECTED' } });
    const pin = typeof req.body?.pin === 'string' ? req.body.pin.normalize('NFKC') : '';

    const before = await limiters[slot].get(cardId);
    if (before !== null && before.consumedPoints >= MAX_TRIES[slot]) return res.status(423).json({ error: { code: 'PIN_LOCKED' } });

    const { rows } = await pool.query<{ pin_hash: Buffer }>(
      'select s.pin_hash from cards c join pin_slots s on s.card_id = c.id and s.slot = $3 where c.id = $1 and c.key_hash = $2',
      [cardId, keyHash(cardKey), slot],
    );
    if (!rows[0]) return res.status(401).json({ error: { code: 'CARD_REJECTED' } });
    compared += 1;
    if (!timingSafeEqual(pinHash(cardId, slot, pin), rows[0].pin_hash)) {
      try {
        const after = await limiters[slot].consume(cardId);
        return res.status(401).json({ error: { code: 'PIN_INCORRECT', remaining: Math.max(0, after.remainingPoints) } });
      } catch (rejected) {
        if (rejected instanceof RateLimiterRes) return res.status(423).json({ error: { code: 'PIN_LOCKED' } });
        throw rejected;
      }
    }
    if (before !== null && before.consumedPoints > 0) await limiters[slot].delete(cardId);
    return res.json({ slot, remaining: MAX_TRIES[slot] });
  });

  app.get('/api/v1/cards/:cardId/status', async (req: Request, res: Response) => {
    const { cardId } = req.params as { cardId: string };
    const cardKey = req.get('x-card-key');
    if (!cardKey || !UUID.test(cardId)) return res.status(401).json({ error: { code: 'CARD_REJECTED' } });
    const [card, certs] = await Promise.all([
      pool.query<{ id: string; status: string; expires_at: Date; slot: Slot; max_tries: number }>(
        'select c.id, c.status, c.expires_at, s.slot, s.max_tries from cards c join pin_slots s on s.card_id = c.id where c.id = $1 and c.key_hash = $2',
        [cardId, keyHash(cardKey)],
      ),
      pool.query<{ kind: string; status: string; not_after: Date; serial_hex: string }>(
        'select kind, status, not_after, serial_hex from certificates where card_id = $1 and current',
        [cardId],
      ),
    ]);
    if (card.rows.length === 0) return res.status(401).json({ error: { code: 'CARD_REJECTED' } });
    const pins = Object.fromEntries(
      await Promise.all(
        card.rows.map(async (r) => {
          const used = (await limiters[r.slot].get(cardId))?.consumedPoints ?? 0;
          const remaining = Math.max(0, r.max_tries - used);
          return [r.slot, { remaining, max: r.max_tries, locked: remaining === 0 }];
        }),
      ),
    );
    return res.json({
      cardId,
      status: card.rows[0]!.status,
      expiresAt: card.rows[0]!.expires_at.toISOString(),
      pins,
      certificates: Object.fromEntries(certs.rows.map((c) => [c.kind, { status: c.status, notAfter: c.not_after.toISOString(), serialNumber: c.serial_hex }])),
    });
  });

  app.get('/bench/compared', (_req, res) => res.json({ compared }));

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(503).json({ error: { code: 'SERVICE_BUSY', message: error.message } });
  });

  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ ready: true, port, pid: process.pid })}\n`);
  });
  const shutdown = () => server.close(() => void pool.end().finally(() => process.exit(0)));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error('textbook peer failed to start:', error);
  process.exit(1);
});
