import { describe, expect, it } from 'vitest';
import { parseStores } from './support/test-db.js';

// The test harness must not drop a store without a word (CI runs every storage test on both).
describe('KAGIYA_TEST_STORES', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ['pglite', 'postgres']],
    ['pglite', ['pglite']],
    [' postgres , pglite ', ['postgres', 'pglite']],
    ['postgres,postgres', ['postgres']],
  ])('reads %j as %j', (value, stores) => {
    expect(parseStores(value)).toEqual(stores);
  });

  it.each(['postgress', 'pglite,postgresql', 'sqlite', 'pglite;postgres'])('fails on the unknown store in %j rather than dropping it', (value) => {
    expect(() => parseStores(value)).toThrow(/unknown store/);
  });

  it.each(['', ' , '])('fails on %j, which names no store', (value) => {
    expect(() => parseStores(value)).toThrow(/names no store/);
  });
});
