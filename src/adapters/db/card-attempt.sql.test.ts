import { describe, expect, it } from 'vitest';
import { batchable, pinAttemptEntry, type PinAttemptInput } from './card-attempt.sql.js';

const entry = (over: Partial<PinAttemptInput> & { terminal?: string | null } = {}): PinAttemptInput => ({
  cardId: '0284b8fd-6e1c-bd9a-8ad0-3dc51086f5cd',
  keyHash: new Uint8Array([1, 2, 255]),
  slot: 'auth',
  certKind: 'auth',
  pinHash: new Uint8Array([0, 16]),
  confirmLastTry: false,
  now: new Date('2026-12-03T10:00:00.123Z'),
  operation: 'verify',
  context: { channel: 'pc', service: 'portal', terminal: over.terminal === undefined ? 'device-1' : over.terminal, actor: null },
  ...over,
});

describe('PIN statement entries', () => {
  it('writes an entry as the statement reads it: hashes in hex, the time in ISO, its place in the batch', () => {
    expect(pinAttemptEntry(entry(), 3)).toMatchObject({ n: 3, key_hash: '0102ff', pin_hash: '0010', now: '2026-12-03T10:00:00.123Z', terminal: 'device-1' });
    expect(pinAttemptEntry(entry({ pinHash: null }), 0).pin_hash).toBeNull();
  });

  it('keeps out of batches an entry PostgreSQL would refuse as a whole, so it cannot fail other people', () => {
    expect(batchable(entry())).toBe(true);
    expect(batchable(entry({ terminal: '端末😀' }))).toBe(true);
    expect(batchable(entry({ cardId: 'not-a-uuid' }))).toBe(false);
    expect(batchable(entry({ terminal: 'a\u0000b' }))).toBe(false);
    expect(batchable(entry({ terminal: 'a\ud800b' }))).toBe(false);
    expect(batchable(entry({ terminal: '\udc00' }))).toBe(false);
  });
});
