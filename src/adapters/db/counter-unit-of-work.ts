import type { CounterStores, CounterUnitOfWork } from '../../app/counter-ports.js';
import { createAuditStore } from './audit-store.js';
import type { Db } from './create-db.js';
import { createPolicyStore } from './policy-store.js';
import { createLetterStore, createPinPadStore, createPinResetStore, createProcedureStore } from './procedure-store.js';

/** One transaction per counter step: the step, any PIN reset and the audit entry commit together. */
export function createCounterUnitOfWork(db: Db): CounterUnitOfWork {
  return {
    run: (work) =>
      db.transaction().execute((trx) => {
        const stores: CounterStores = {
          procedures: createProcedureStore(trx),
          letters: createLetterStore(trx),
          pinPads: createPinPadStore(trx),
          audit: createAuditStore(trx),
          policies: createPolicyStore(trx),
          resets: createPinResetStore(trx),
        };
        return work(stores);
      }),
  };
}
