import { describe, expect, it } from 'vitest';
import { attemptsBySource, failuresSinceLastSuccess, type CardEvent } from './history.js';

let id = 100;
const event = (over: Partial<CardEvent>): CardEvent => ({
  id: (id -= 1),
  occurredAt: '2026-03-10T01:00:00.000Z',
  actor: null,
  operation: 'verify',
  slot: 'auth',
  result: 'incorrect',
  code: 'PIN_INCORRECT',
  remainingAfter: 2,
  channel: 'smartphone',
  service: 'e-tax',
  terminal: null,
  ...over,
});

describe('who spent my tries', () => {
  it('lists the failures since the last success on that slot only, interrupted ones included', () => {
    const newestFirst = [
      event({ slot: 'auth', result: 'incorrect', channel: 'kiosk', service: 'konbini-certificates' }),
      event({ slot: 'sign', result: 'incorrect' }),
      event({ slot: 'auth', result: 'pending' }),
      event({ slot: 'auth', result: 'refused', code: 'PIN_FORMAT' }),
      event({ slot: 'auth', result: 'success' }),
      event({ slot: 'auth', result: 'incorrect' }),
    ];
    const auth = failuresSinceLastSuccess(newestFirst, 'auth');
    expect(auth.map((e) => e.result)).toEqual(['incorrect', 'pending']);
    expect(auth[0]!.service).toBe('konbini-certificates');
    expect(failuresSinceLastSuccess(newestFirst, 'sign')).toHaveLength(1);
  });

  it('stops at a PIN written at the counter, since that restored the counter', () => {
    const newestFirst = [event({}), event({ operation: 'counter_reset', result: 'done', code: null }), event({}), event({})];
    expect(failuresSinceLastSuccess(newestFirst, 'auth')).toHaveLength(1);
  });

  it('counts entries and failures by service and channel, most failures first', () => {
    const rows = attemptsBySource([
      event({ service: 'portal', channel: 'pc', result: 'success' }),
      event({}),
      event({}),
      event({ slot: null, operation: 'suspend', result: 'done' }),
    ]);
    expect(rows).toEqual([
      { service: 'e-tax', channel: 'smartphone', attempts: 2, failures: 2 },
      { service: 'portal', channel: 'pc', attempts: 1, failures: 0 },
    ]);
  });
});
