/**
 * Groups PIN entries that arrive while the database is busy into one statement (docs/decisions.md, "PIN entries in
 * batches"). An entry is sent at once while fewer than `maxInFlight` statements are running; otherwise it waits for
 * the next free turn, and all waiting entries go together, up to `maxBatch`. So an idle server adds no wait, and a
 * busy one spends PostgreSQL's per-statement and per-commit cost once for many entries.
 *
 * A card appears at most once in a statement and in at most one statement at a time: the statement keeps one chain
 * head per card, and two statements holding different slots of the same two cards could otherwise wait on each other.
 * An entry for a card already on its way waits for the next turn, so one card's entries still reach the database one
 * after another, as on the card itself.
 *
 * A statement that runs longer than `stuckAfterMs` (waiting on a row lock that someone holds for long) stops counting
 * as running: its entries keep waiting for it, everyone else's go on in other statements.
 *
 * Every entry of a statement shares its fate: all are answered after its commit, or all fail with its error (nothing
 * was written then). An error that one entry may have caused for all (a deadlock with another server's statement, a
 * row lock held elsewhere past the statement's lock wait limit: PostgreSQL rolled the statement back, so nothing of
 * it was written) sends that statement's entries again, each alone: the others are answered, and only the entry
 * that meets the same fault again gets its error. A lone entry that PostgreSQL picked as a deadlock victim is sent
 * again too, up to `loneRetries` times: the other side of a deadlock goes on once this side is rolled back, so the
 * next try almost always passes (a lock wait past the limit is not retried alone: the row is still held).
 */
export type BatchRun<I, R> = (inputs: readonly I[]) => Promise<ReadonlyArray<R | null>>;

type Waiting<I, R> = { input: I; key: string; resolve: (value: R | null) => void; reject: (error: unknown) => void; retried: number };

export type EntryBatcher<I, R> = Readonly<{
  submit(input: I): Promise<R | null>;
  /**
   * Counters for tests and the bench: statements sent, the entries they carried, and the milliseconds from sending
   * each statement to its settling (summed; the server's view of a statement, event-loop delays included).
   */
  stats(): Readonly<{ statements: number; entries: number; largest: number; ms: number }>;
}>;

export function createEntryBatcher<I, R>(options: {
  run: BatchRun<I, R>;
  keyOf: (input: I) => string;
  /**
   * Whether an error means PostgreSQL rolled the statement back for a reason one entry may have caused (a deadlock, a
   * lock wait past the limit): safe to send again, each entry alone.
   */
  retryAlone: (error: unknown) => boolean;
  /** Whether an error of a lone entry is worth another try (a deadlock: the other side has gone on), and how many. */
  retryLone?: (error: unknown) => boolean;
  loneRetries?: number;
  maxInFlight: number;
  maxBatch: number;
  stuckAfterMs: number;
}): EntryBatcher<I, R> {
  const { run, keyOf, retryAlone, maxInFlight, maxBatch, stuckAfterMs } = options;
  const retryLone = options.retryLone ?? (() => false);
  const loneRetries = options.loneRetries ?? 0;
  let waiting: Waiting<I, R>[] = [];
  const busyKeys = new Set<string>();
  let inFlight = 0;
  const stats = { statements: 0, entries: 0, largest: 0, ms: 0 };

  const send = (batch: Waiting<I, R>[]) => {
    inFlight += 1;
    for (const w of batch) busyKeys.add(w.key);
    stats.statements += 1;
    stats.entries += batch.length;
    stats.largest = Math.max(stats.largest, batch.length);
    const sentAt = performance.now();
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      inFlight -= 1;
    };
    const stuck = setTimeout(() => {
      uncount();
      pump();
    }, stuckAfterMs);
    stuck.unref?.();
    const settle = () => {
      stats.ms += performance.now() - sentAt;
      clearTimeout(stuck);
      uncount();
      for (const w of batch) busyKeys.delete(w.key);
    };
    run(batch.map((w) => w.input)).then(
      (rows) => {
        settle();
        batch.forEach((w, i) => w.resolve(rows[i] ?? null));
        pump();
      },
      (error: unknown) => {
        settle();
        if (batch.length > 1 && retryAlone(error)) {
          // Each alone, whatever the in-flight count: a statement with one card takes one slot and one chain head,
          // so it cannot deadlock again, and only the entry whose row is held waits again (a single entry's error
          // goes to its caller).
          for (const w of batch) send([w]);
        } else if (batch.length === 1 && batch[0]!.retried < loneRetries && retryLone(error)) {
          batch[0]!.retried += 1;
          send(batch);
        } else {
          for (const w of batch) w.reject(error);
        }
        pump();
      },
    );
  };

  const pump = () => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch: Waiting<I, R>[] = [];
      const keys = new Set<string>();
      const rest: Waiting<I, R>[] = [];
      for (const w of waiting) {
        if (batch.length < maxBatch && !busyKeys.has(w.key) && !keys.has(w.key)) {
          batch.push(w);
          keys.add(w.key);
        } else {
          rest.push(w);
        }
      }
      waiting = rest;
      if (batch.length === 0) return;
      send(batch);
    }
  };

  return {
    submit(input) {
      return new Promise<R | null>((resolve, reject) => {
        waiting.push({ input, key: keyOf(input), resolve, reject, retried: 0 });
        pump();
      });
    },
    stats: () => ({ ...stats }),
  };
}
