import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, deriveKey } from './secret-box.js';

const key = randomBytes(32);
const AAD = 'card:42:auth-private-key';

describe('createSecretBox', () => {
  it('round-trips a value sealed and opened with the same aad', () => {
    const box = createSecretBox(key);
    const plain = Buffer.from('秘密鍵 PKCS#8 bytes', 'utf8');
    expect(box.open(box.seal(plain, AAD), AAD).equals(plain)).toBe(true);
  });

  it('round-trips an empty value and a large one', () => {
    const box = createSecretBox(key);
    const big = randomBytes(100_000);
    expect(box.open(box.seal(new Uint8Array(0), AAD), AAD).length).toBe(0);
    expect(box.open(box.seal(big, AAD), AAD).equals(big)).toBe(true);
  });

  it('writes version 1, a 12-byte IV and a 16-byte tag before the ciphertext', () => {
    const sealed = createSecretBox(key).seal(Buffer.from('abc'), AAD);
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + 16 + 3);
  });

  it('uses a fresh IV each time, so equal plaintexts give different ciphertexts', () => {
    const box = createSecretBox(key);
    const a = box.seal(Buffer.from('123456789018'), AAD);
    const b = box.seal(Buffer.from('123456789018'), AAD);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('does not contain the plaintext', () => {
    const plain = Buffer.from('123456789018');
    expect(createSecretBox(key).seal(plain, AAD).includes(plain)).toBe(false);
  });

  it.each([
    ['the version byte', 0],
    ['the IV', 5],
    ['the tag', 20],
    ['the ciphertext', 30],
  ])('refuses to open when %s is altered', (_part, index) => {
    const box = createSecretBox(key);
    const sealed = box.seal(Buffer.from('a private key, sealed'), AAD);
    const tampered = Buffer.from(sealed);
    tampered[index] = (tampered[index] ?? 0) ^ 0x01;
    expect(() => box.open(tampered, AAD)).toThrow(/secret-box/);
    expect(box.open(sealed, AAD).toString()).toBe('a private key, sealed');
  });

  it('refuses a value moved to another row or purpose (different aad)', () => {
    const box = createSecretBox(key);
    const sealed = box.seal(Buffer.from('key of card 42'), 'card:42:sign-private-key');
    expect(() => box.open(sealed, 'card:43:sign-private-key')).toThrow(/cannot open/);
    expect(() => box.open(sealed, 'card:42:auth-private-key')).toThrow(/cannot open/);
  });

  it('refuses a value sealed under another key', () => {
    const sealed = createSecretBox(key).seal(Buffer.from('x'), AAD);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, AAD)).toThrow(/cannot open/);
  });

  it('refuses a truncated value', () => {
    const sealed = createSecretBox(key).seal(Buffer.from('x'), AAD);
    expect(() => createSecretBox(key).open(sealed.subarray(0, 28), AAD)).toThrow(/truncated/);
  });

  it('is not affected when the caller later overwrites its key buffer', () => {
    const mine = Buffer.from(key);
    const box = createSecretBox(mine);
    const sealed = box.seal(Buffer.from('still here'), AAD);
    mine.fill(0);
    expect(box.open(sealed, AAD).toString()).toBe('still here');
  });

  it.each([16, 31, 33, 64])('rejects a %i-byte key', (length) => {
    expect(() => createSecretBox(new Uint8Array(length))).toThrow(RangeError);
  });
});

describe('deriveKey', () => {
  const master = randomBytes(32);

  it('derives the same 32-byte key for the same master and purpose', () => {
    const a = deriveKey(master, 'private-keys');
    expect(a.length).toBe(32);
    expect(deriveKey(master, 'private-keys').equals(a)).toBe(true);
  });

  it('derives distinct keys for each purpose and each master', () => {
    const keys = ['private-keys', 'my-number', 'my-number-index'].map((p) => deriveKey(master, p).toString('hex'));
    keys.push(deriveKey(randomBytes(32), 'private-keys').toString('hex'));
    expect(new Set(keys).size).toBe(4);
    expect(keys).not.toContain(master.toString('hex'));
  });

  it('gives boxes that cannot open each other’s values', () => {
    const myNumberBox = createSecretBox(deriveKey(master, 'my-number'));
    const keyBox = createSecretBox(deriveKey(master, 'private-keys'));
    const sealed = myNumberBox.seal(Buffer.from('123456789018'), 'resident:1:my-number');
    expect(myNumberBox.open(sealed, 'resident:1:my-number').toString()).toBe('123456789018');
    expect(() => keyBox.open(sealed, 'resident:1:my-number')).toThrow(/cannot open/);
  });

  it('rejects a master key shorter than 32 bytes and an empty purpose', () => {
    expect(() => deriveKey(randomBytes(16), 'my-number')).toThrow(RangeError);
    expect(() => deriveKey(master, '')).toThrow(RangeError);
  });
});
