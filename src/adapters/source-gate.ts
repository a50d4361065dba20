// At most a few PIN entries of one source in flight at once in this process (docs/decisions.md "Risk holds and
// source blocks"). Risk detection runs after each failed entry commits; entries of one source queued behind it see
// the block the moment it is written, so a burst of parallel entries from one source spends no more than a
// sequential one would (plus the few in flight, per process). Entries without a source key are never held up.

export type SourceGate = <T>(sourceKey: string | null, work: () => Promise<T>) => Promise<T>;

export function createSourceGate(maxInFlight = 4): SourceGate {
  const lanes = new Map<string, { running: number; waiting: Array<() => void> }>();
  return async (sourceKey, work) => {
    if (!sourceKey) return work();
    let lane = lanes.get(sourceKey);
    if (!lane) lanes.set(sourceKey, (lane = { running: 0, waiting: [] }));
    if (lane.running >= maxInFlight) await new Promise<void>((resolve) => lane!.waiting.push(resolve));
    lane.running += 1;
    try {
      return await work();
    } finally {
      lane.running -= 1;
      const next = lane.waiting.shift();
      if (next) next();
      else if (lane.running === 0) lanes.delete(sourceKey);
    }
  };
}
