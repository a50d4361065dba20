import { describe, expect, it } from 'vitest';
import { PIN_PAD_MAX_REFUSALS, pinPadState } from './pin-pad.js';

describe('what the console is told of a PIN pad', () => {
  const now = new Date('2026-03-03T01:00:00Z');
  const later = new Date(now.getTime() + 60_000);

  it('is open while its time runs and it has not been used', () => {
    expect(pinPadState({ expiresAt: later, usedAt: null, refusals: PIN_PAD_MAX_REFUSALS - 1 }, now).state).toBe('open');
  });

  it('says the time ran out once it has', () => {
    expect(pinPadState({ expiresAt: now, usedAt: null, refusals: 0 }, now).state).toBe('expired');
  });

  it('gives the weak-PIN closing as the reason, not the time the closing set', () => {
    // The closing sets the pad's expiry to that moment; the reason staff need is the refusals.
    expect(pinPadState({ expiresAt: now, usedAt: null, refusals: PIN_PAD_MAX_REFUSALS }, later)).toEqual({ state: 'closed_weak_pins', expiresAt: now, refusals: PIN_PAD_MAX_REFUSALS });
  });

  it('says used once the PINs were set, whatever came before', () => {
    expect(pinPadState({ expiresAt: later, usedAt: now, refusals: 3 }, later).state).toBe('used');
  });
});
