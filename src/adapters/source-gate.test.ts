import { describe, expect, it } from 'vitest';
import { createSourceGate } from './source-gate.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('source gate', () => {
  it('keeps at most N entries of one source in flight, in order, and leaves other sources and keyless entries alone', async () => {
    const gate = createSourceGate(2);
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const work = (n: number) => async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await tick();
      inFlight -= 1;
      order.push(n);
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => gate('ip:203.0.113.1', work(n))));
    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
    most = 0;
    await Promise.all([gate('ip:a', work(7)), gate('ip:b', work(8)), gate(null, work(9)), gate(null, work(10))]);
    expect(most).toBe(4);
  });

  it('frees the lane when an entry fails', async () => {
    const gate = createSourceGate(1);
    await expect(gate('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await gate('k', async () => 'next')).toBe('next');
  });
});
