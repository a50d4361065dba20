import { describe, expect, it } from 'vitest';
import { AUDIT_CHAIN_LOCK } from '../../src/adapters/db/audit-store.js';
import { api } from '../support/api.js';
import { lockWatchedSystem, type LockWatch, type WatchedSystem } from '../support/lock-watch.js';
import { POSTGRES_ENABLED } from '../support/test-db.js';

// Audited staff actions take the audit chain's lock before any row they change (audit-store.ts auditedTransaction).
// Taken halfway, a reissue (audit lock, then revoking the earlier card) and a suspension or a move of that card
// (its rows, then the audit lock) each held what the other needed: PostgreSQL broke the cycle by failing one of
// them, and a clerk got 503 for a deadlock of our own making. Each case queues both actions behind a held audit lock
// in the order that closed the cycle, then lets them go.
describe.runIf(POSTGRES_ENABLED)('audited actions and the audit lock on PostgreSQL', () => {
  let system: WatchedSystem;
  let http: ReturnType<typeof api>;
  let locks: LockWatch;

  lockWatchedSystem((s, h, l) => {
    system = s;
    http = h;
    locks = l;
  });

  // Backends of this database waiting for the audit chain's advisory lock.
  const waitingForAuditLock = async () =>
    Number(
      (
        await locks.watcher.query<{ n: string }>(
          `select count(*) as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
           where l.locktype = 'advisory' and l.objid = $1 and not l.granted and a.datname = current_database()`,
          [AUDIT_CHAIN_LOCK],
        )
      ).rows[0]!.n,
    );

  /** Holds the audit lock while `first` and then `second` start and queue; then releases it and awaits both. */
  const race = async <A, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> => {
    await locks.holder.query('begin');
    await locks.holder.query('select pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    try {
      const a = first();
      await locks.until('the first action to queue', async () => (await waitingForAuditLock()) === 1);
      const b = second();
      await locks.until('the second action to queue', async () => (await waitingForAuditLock()) === 2);
      await locks.holder.query('commit');
      return await Promise.all([a, b]);
    } catch (error) {
      await locks.holder.query('rollback').catch(() => undefined);
      throw error;
    }
  };

  it('reissues a card while its earlier card is being suspended: both answered, no deadlock', async () => {
    const card = await http.newCard();
    const before = await locks.deadlocks();
    const [reissue, suspend] = await race(
      () => http.issueCard(card.residentId),
      () => http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: 'lost' }, headers: http.admin }),
    );
    expect(reissue.status, JSON.stringify(reissue.body)).toBe(201);
    // The reissue went first and revoked the earlier card, so suspending it is a conflict, not a fault of ours.
    expect(suspend.status, JSON.stringify(suspend.body)).toBe(409);
    expect(await locks.deadlocks()).toBe(before);
    const earlier = await system.db.selectFrom('cards').select('status').where('id', '=', card.cardId).executeTakeFirstOrThrow();
    expect(earlier.status).toBe('revoked');
  });

  it('reissues a card while its holder moves: both answered, no deadlock, the move revokes only the current card', async () => {
    const card = await http.newCard();
    const before = await locks.deadlocks();
    const [reissue, move] = await race(
      () => http.issueCard(card.residentId),
      () => http.call('POST', `/api/v1/residents/${card.residentId}/move`, { body: { address: '埼玉県さいたま市大宮区1-1', municipalityCode: '111007' }, headers: http.admin }),
    );
    expect(reissue.status, JSON.stringify(reissue.body)).toBe(201);
    expect(move.status, JSON.stringify(move.body)).toBe(200);
    expect(await locks.deadlocks()).toBe(before);
    // The move ran after the reissue: the new card's signing certificate is revoked, and the earlier card already was.
    const sign = await system.db
      .selectFrom('certificates')
      .select(['card_id', 'status'])
      .where('kind', '=', 'sign')
      .where('current', '=', true)
      .where('card_id', '=', reissue.body.cardId as string)
      .executeTakeFirstOrThrow();
    expect(sign.status).toBe('revoked');
  });

  it('answers reads while an audited action holds the lock', async () => {
    await locks.holder.query('begin');
    await locks.holder.query('select pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    try {
      const policy = await http.call('GET', '/api/v1/municipalities/111007/policy');
      expect(policy.status).toBe(200);
      const procedures = await http.call('GET', '/api/v1/audit?limit=5', { headers: http.admin });
      expect(procedures.status).toBe(200);
    } finally {
      await locks.holder.query('commit');
    }
  });
});
