import { classifyDbFault } from '../db/db-faults.js';

type Logger = { error(obj: object, msg: string): void };

/**
 * The process's `unhandledRejection` handler. pg-boss completes and fails jobs without awaiting the promise
 * (`watch` in its manager.js): when the database drops the connection at that moment, the rejection has no handler
 * and Node would end the process, taking every request in flight with it. A database fault that nobody awaits is
 * logged and survived (the job stays active; pg-boss expires and retries it). Anything else is still a defect: it is
 * thrown again, and the process ends as Node ends it by default.
 */
export function survivingBackgroundDbFaults(logger: Logger) {
  return (reason: unknown): void => {
    const fault = classifyDbFault(reason);
    if (fault === null) throw reason;
    const error = reason as Error & { code?: unknown };
    logger.error({ err: { message: error.message, code: error.code }, fault }, 'database fault in background work (no request waits on it); carrying on');
  };
}
