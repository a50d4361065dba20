import type { Transaction } from 'kysely';
import type { CounterStores, CounterUnitOfWork } from '../../app/counter-ports.js';
import { auditedTransaction, createAuditStore } from './audit-store.js';
import type { Db } from './create-db.js';
import type { Database } from './schema.js';
import { createPolicyStore } from './policy-store.js';
import { createCardStore } from './card-store.js';
import { createResidentStore } from './resident-store.js';
import { createLetterStore, createPinPadStore, createPinResetStore, createProcedureStore } from './procedure-store.js';

/**
 * One transaction per counter step: the step, any PIN reset and the audit entry commit together. `run` takes the
 * audit chain's lock first (audit-store.ts auditedTransaction); `read` is for work that changes nothing and audits
 * nothing (listings, the public policy, the chain check), so it never queues behind an audited action.
 */
export function createCounterUnitOfWork(db: Db): CounterUnitOfWork {
  const storesOf = (trx: Transaction<Database>): CounterStores => {
    const cards = createCardStore(trx);
    const residents = createResidentStore(trx);
    return {
      cards: { findCardByKey: cards.findCardByKey, findCard: cards.findCard, overview: cards.overview },
      residents: { findById: residents.findById, sealedMyNumber: residents.sealedMyNumber },
      async municipality(code) {
        const row = await trx.selectFrom('municipalities').select(['name_ja', 'name_en', 'prefecture_ja']).where('code', '=', code).executeTakeFirst();
        return row ? { nameJa: row.name_ja, nameEn: row.name_en, prefectureJa: row.prefecture_ja } : null;
      },
      procedures: createProcedureStore(trx),
      letters: createLetterStore(trx),
      pinPads: createPinPadStore(trx),
      audit: createAuditStore(trx),
      policies: createPolicyStore(trx),
      resets: createPinResetStore(trx),
    };
  };
  return {
    run: (work) => auditedTransaction(db, (trx) => work(storesOf(trx))),
    read: (work) => db.transaction().execute((trx) => work(storesOf(trx))),
  };
}
