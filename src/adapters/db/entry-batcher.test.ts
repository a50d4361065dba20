import { describe, expect, it } from 'vitest';
import { createEntryBatcher } from './entry-batcher.js';

type Input = { card: string; value: number };

/** A statement runner the test releases by hand, recording what each statement carried. */
function manualRun() {
  const statements: Array<{ inputs: readonly Input[]; finish: (error?: unknown) => void }> = [];
  const run = (inputs: readonly Input[]) =>
    new Promise<Array<number | null>>((resolve, reject) => {
      statements.push({ inputs, finish: (error) => (error ? reject(error) : resolve(inputs.map((i) => i.value * 10))) });
    });
  return { statements, run };
}

const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('entry batcher', () => {
  it('sends at once while statements are free, then groups what waits into one statement', async () => {
    const { statements, run } = manualRun();
    const batcher = createEntryBatcher({ run, keyOf: (i: Input) => i.card, retryAlone: () => false, maxInFlight: 1, maxBatch: 32, stuckAfterMs: 60_000 });
    const first = batcher.submit({ card: 'a', value: 1 });
    const rest = ['b', 'c', 'd'].map((card, i) => batcher.submit({ card, value: i + 2 }));
    expect(statements.map((s) => s.inputs.map((i) => i.card))).toEqual([['a']]);
    statements[0]!.finish();
    expect(await first).toBe(10);
    await tick();
    expect(statements.map((s) => s.inputs.map((i) => i.card))).toEqual([['a'], ['b', 'c', 'd']]);
    statements[1]!.finish();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batcher.stats()).toEqual({ statements: 2, entries: 4, largest: 3, ms: expect.any(Number) });
    expect(batcher.stats().ms).toBeGreaterThan(0);
  });

  it('never puts one card twice in a statement, nor in two statements at once, and keeps its entries in order', async () => {
    const { statements, run } = manualRun();
    const batcher = createEntryBatcher({ run, keyOf: (i: Input) => i.card, retryAlone: () => false, maxInFlight: 2, maxBatch: 32, stuckAfterMs: 60_000 });
    const answers = [batcher.submit({ card: 'a', value: 1 }), batcher.submit({ card: 'a', value: 2 }), batcher.submit({ card: 'b', value: 3 }), batcher.submit({ card: 'a', value: 4 })];
    // a(1) goes alone; a(2) waits for it although a statement is free, so b(3) takes the free one.
    expect(statements.map((s) => s.inputs.map((i) => i.value))).toEqual([[1], [3]]);
    statements[1]!.finish();
    await tick();
    expect(statements.map((s) => s.inputs.map((i) => i.value))).toEqual([[1], [3]]);
    statements[0]!.finish();
    await tick();
    expect(statements.map((s) => s.inputs.map((i) => i.value))).toEqual([[1], [3], [2]]);
    statements[2]!.finish();
    await tick();
    expect(statements.map((s) => s.inputs.map((i) => i.value))).toEqual([[1], [3], [2], [4]]);
    statements[3]!.finish();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40]);
  });

  it('caps a statement at maxBatch entries', async () => {
    const { statements, run } = manualRun();
    const batcher = createEntryBatcher({ run, keyOf: (i: Input) => i.card, retryAlone: () => false, maxInFlight: 1, maxBatch: 2, stuckAfterMs: 60_000 });
    const answers = [1, 2, 3, 4, 5].map((value) => batcher.submit({ card: `c${value}`, value }));
    statements[0]!.finish();
    await tick();
    statements[1]!.finish();
    await tick();
    statements[2]!.finish();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
    expect(statements.map((s) => s.inputs.length)).toEqual([1, 2, 2]);
  });

  it('fails every entry of a failed statement with its error, and goes on with the next', async () => {
    const { statements, run } = manualRun();
    const batcher = createEntryBatcher({ run, keyOf: (i: Input) => i.card, retryAlone: () => false, maxInFlight: 1, maxBatch: 32, stuckAfterMs: 60_000 });
    const first = batcher.submit({ card: 'a', value: 1 });
    const grouped = [batcher.submit({ card: 'b', value: 2 }), batcher.submit({ card: 'c', value: 3 })];
    const down = new Error('connection terminated');
    statements[0]!.finish(down);
    await expect(first).rejects.toBe(down);
    await tick();
    statements[1]!.finish(down);
    for (const p of grouped) await expect(p).rejects.toBe(down);
    const later = batcher.submit({ card: 'd', value: 4 });
    statements[2]!.finish();
    expect(await later).toBe(40);
  });

  it('sends the entries of a statement chosen as a deadlock victim again, each alone', async () => {
    const { statements, run } = manualRun();
    const batcher = createEntryBatcher({ run, keyOf: (i: Input) => i.card, retryAlone: (e) => e === deadlock, maxInFlight: 1, maxBatch: 32, stuckAfterMs: 60_000 });
    const first = batcher.submit({ card: 'x', value: 9 });
    const grouped = [batcher.submit({ card: 'a', value: 1 }), batcher.submit({ card: 'b', value: 2 })];
    statements[0]!.finish();
    await first;
    await tick();
    expect(statements[1]!.inputs.map((i) => i.card)).toEqual(['a', 'b']);
    statements[1]!.finish(deadlock);
    await tick();
    expect(statements.slice(2).map((s) => s.inputs.map((i) => i.card))).toEqual([['a'], ['b']]);
    statements[2]!.finish();
    statements[3]!.finish();
    expect(await Promise.all(grouped)).toEqual([10, 20]);
  });

  it('passes a deadlock of a single entry to its caller when no lone retry is allowed', async () => {
    const { statements, run } = manualRun();
    const batcher = createEntryBatcher({ run, keyOf: (i: Input) => i.card, retryAlone: (e) => e === deadlock, maxInFlight: 1, maxBatch: 32, stuckAfterMs: 60_000 });
    const alone = batcher.submit({ card: 'a', value: 1 });
    statements[0]!.finish(deadlock);
    await expect(alone).rejects.toBe(deadlock);
    expect(statements).toHaveLength(1);
  });

  it('sends a lone deadlock victim again up to loneRetries times, then passes the error on; other errors of a lone entry go at once', async () => {
    const { statements, run } = manualRun();
    const timeout = new Error('lock timeout');
    const batcher = createEntryBatcher({
      run,
      keyOf: (i: Input) => i.card,
      retryAlone: (e) => e === deadlock || e === timeout,
      retryLone: (e) => e === deadlock,
      loneRetries: 2,
      maxInFlight: 1,
      maxBatch: 32,
      stuckAfterMs: 60_000,
    });
    // Once a victim, then through: answered.
    const once = batcher.submit({ card: 'a', value: 1 });
    statements[0]!.finish(deadlock);
    await tick();
    expect(statements.map((s) => s.inputs.map((i) => i.card))).toEqual([['a'], ['a']]);
    statements[1]!.finish();
    expect(await once).toBe(10);
    // A victim every time: sent three times in all, then its caller gets the deadlock.
    const always = batcher.submit({ card: 'b', value: 2 });
    for (let k = 2; k < 5; k += 1) {
      await tick();
      statements[k]!.finish(deadlock);
    }
    await expect(always).rejects.toBe(deadlock);
    expect(statements.slice(2).map((s) => s.inputs.map((i) => i.card))).toEqual([['b'], ['b'], ['b']]);
    // A lock wait past the limit is not retried alone: the row is still held.
    const held = batcher.submit({ card: 'c', value: 3 });
    await tick();
    statements[5]!.finish(timeout);
    await expect(held).rejects.toBe(timeout);
    expect(statements).toHaveLength(6);
    // An entry sent alone after its batch's deadlock may be retried alone too.
    const first = batcher.submit({ card: 'x', value: 9 });
    const pair = [batcher.submit({ card: 'd', value: 4 }), batcher.submit({ card: 'e', value: 5 })];
    statements[6]!.finish();
    expect(await first).toBe(90);
    await tick();
    expect(statements[7]!.inputs.map((i) => i.card)).toEqual(['d', 'e']);
    statements[7]!.finish(deadlock);
    await tick();
    expect(statements.slice(8).map((s) => s.inputs.map((i) => i.card))).toEqual([['d'], ['e']]);
    statements[8]!.finish();
    statements[9]!.finish(deadlock);
    await tick();
    expect(statements[10]!.inputs.map((i) => i.card)).toEqual(['e']);
    statements[10]!.finish();
    expect(await Promise.all(pair)).toEqual([40, 50]);
  });

  it('stops counting a statement that hangs (a row lock held for long), so other cards go on; its own entries wait for it', async () => {
    const { statements, run } = manualRun();
    const batcher = createEntryBatcher({ run, keyOf: (i: Input) => i.card, retryAlone: () => false, maxInFlight: 1, maxBatch: 32, stuckAfterMs: 20 });
    const hung = batcher.submit({ card: 'a', value: 1 });
    const sameCard = batcher.submit({ card: 'a', value: 2 });
    const other = batcher.submit({ card: 'b', value: 3 });
    expect(statements.map((s) => s.inputs.map((i) => i.value))).toEqual([[1]]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    // b went on in a statement of its own; a's second entry still waits for the first
    expect(statements.map((s) => s.inputs.map((i) => i.value))).toEqual([[1], [3]]);
    statements[1]!.finish();
    expect(await other).toBe(30);
    statements[0]!.finish();
    expect(await hung).toBe(10);
    await tick();
    expect(statements.map((s) => s.inputs.map((i) => i.value))).toEqual([[1], [3], [2]]);
    statements[2]!.finish();
    expect(await sameCard).toBe(20);
  });
});
