import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { STORES } from '../support/test-db.js';
import { PKCS11_MODULE, requireTools, run, startKagiya, startPcscd, startReaderCli, tempDir, waitFor } from './support/reader-lab.js';

// The card on a reader, end to end with software nobody here wrote: pcscd + vsmartcard's vpcd, `kagiya reader`
// (the CLI, its own process) and OpenSC's jpki driver through opensc-tool, pkcs15-tool and pkcs11-tool. Every
// count is checked against Kagiya's own API. Only this file uses pcscd and port 35963.

requireTools();
const pkcs11 = (args: string[]) => run('pkcs11-tool', [...(PKCS11_MODULE ? ['--module', PKCS11_MODULE] : []), ...args]);
const pkcs15 = (args: string[]) => run('pkcs15-tool', ['--reader', '0', ...args]);
const apdus = (...list: string[]) => run('opensc-tool', ['--reader', '0', ...list.flatMap((a) => ['-s', a])]);
const triesLeft = async () => [...(await pkcs15(['--list-pins'])).stdout.matchAll(/Tries left\s*:\s*(\d+)/g)].map((m) => Number(m[1]));
const SELECT_JPKI = '00A4040C0AD392F000260100000001';
const DIGEST_INFO = '3031300D060960864801650304020105000420' + '5A'.repeat(32);

let pcscd: Awaited<ReturnType<typeof startPcscd>>;
const lab = tempDir();
beforeAll(async () => {
  pcscd = await startPcscd(lab.dir);
});
afterAll(async () => {
  await pcscd?.stop();
  lab.remove();
});

describe.each(STORES)('OpenSC with a Kagiya card in vpcd, Kagiya on %s', { timeout: 120_000 }, (store) => {
  let kagiya: Awaited<ReturnType<typeof startKagiya>>;
  let reader: Awaited<ReturnType<typeof startReaderCli>>;
  let card: { cardId: string; cardKey: string };
  const dir = () => lab.dir;

  beforeAll(async () => {
    kagiya = await startKagiya(store);
  });
  afterAll(async () => {
    await kagiya?.close();
  });
  // Each test gets its own card in the reader, so the tests stand alone in any order.
  beforeEach(async () => {
    card = await kagiya.rsaCard();
    reader = await startReaderCli(kagiya.url, card, dir());
  });
  afterEach(async () => {
    await reader?.stop();
    await waitFor('the card to leave the reader', async () => /0\s+No\s+Virtual PCD 00 00/.test((await run('opensc-tool', ['--list-readers'])).stdout));
  });

  const status = async () => (await kagiya.http.status(card)).body.pins as Record<string, { remaining: number; locked: boolean }>;
  const apiCertificate = async (kind: 'auth' | 'sign') => {
    const path = kind === 'auth' ? 'authenticate' : 'sign';
    const body = kind === 'auth' ? { pin: PINS.auth, challenge: Buffer.alloc(32, 7).toString('base64') } : { pin: PINS.sign, digest: Buffer.alloc(32, 7).toString('base64') };
    const r = await kagiya.http.call('POST', `/api/v1/cards/${card.cardId}/${path}`, { body, headers: { 'x-card-key': card.cardKey } });
    expect(r.status).toBe(200);
    return Buffer.from(r.body.certificate, 'base64');
  };

  it('lists the reader with the card, which OpenSC identifies as a JPKI card', async () => {
    const readers = await run('opensc-tool', ['--list-readers']);
    expect(readers.stdout).toMatch(/0\s+Yes\s+Virtual PCD 00 00/);
    const identified = await run('opensc-tool', ['--reader', '0', '--atr', '--name']);
    expect(identified.stdout).toContain('3b:88:80:01:00:00:05:e0:b3:81:a1:00:7f');
    expect(identified.stdout).toContain('jpki');
  });

  it('lists both certificates and their CAs, and reads exactly the certificates the API returns', async () => {
    const list = await pkcs15(['--list-certificates']);
    for (const label of ['User Authentication Certificate', 'Digital Signature Certificate', 'User Authentication Certificate CA', 'Digital Signature Certificate CA']) {
      expect(list.stdout).toContain(`[${label}]`);
    }
    const read = await pkcs15(['--read-certificate', '01']);
    expect(read.code).toBe(0);
    expect(new X509Certificate(read.stdout).raw.equals(await apiCertificate('auth'))).toBe(true);
    // The signing certificate is private: pkcs11-tool reads it after the signing password.
    const out = join(dir(), `sign-${store}.der`);
    const signCert = await pkcs11(['--slot-index', '1', '--login', '--pin', PINS.sign, '--read-object', '--type', 'cert', '--id', '02', '-o', out]);
    expect(signCert.code, signCert.stderr).toBe(0);
    expect(readFileSync(out).equals(await apiCertificate('sign'))).toBe(true);
  });

  it('shows the tries left that Kagiya shows, before and after wrong entries, and reading them spends nothing', async () => {
    expect(await triesLeft()).toEqual([3, 5]);
    expect(await triesLeft()).toEqual([3, 5]);
    const wrong = await pkcs15(['--verify-pin', '--auth-id', '01', '--pin', '0000']);
    expect(wrong.stderr + wrong.stdout).toContain('PIN code or key incorrect');
    const wrongSign = await pkcs15(['--verify-pin', '--auth-id', '02', '--pin', 'WRONG999']);
    expect(wrongSign.code).not.toBe(0);
    expect(await triesLeft()).toEqual([2, 4]);
    expect(await triesLeft()).toEqual([2, 4]);
    const pins = await status();
    expect([pins.auth!.remaining, pins.sign!.remaining]).toEqual([2, 4]);
    // A right entry over HTTP restores both counters for the reader too.
    await kagiya.http.verify(card, 'auth', PINS.auth);
    await kagiya.http.verify(card, 'sign', PINS.sign);
    expect(await triesLeft()).toEqual([3, 5]);
  });

  it('signs with the authentication key through pkcs11-tool, and openssl verifies it against the certificate', async () => {
    const data = join(dir(), `data-${store}.txt`);
    const sig = join(dir(), `sig-${store}.bin`);
    const pem = join(dir(), `auth-${store}.pem`);
    writeFileSync(data, '確定申告 2026: 鍵屋のカードで署名');
    writeFileSync(pem, (await pkcs15(['--read-certificate', '01'])).stdout);
    const signed = await pkcs11(['--slot-index', '0', '--login', '--pin', PINS.auth, '--sign', '--id', '01', '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', sig]);
    expect(signed.code, signed.stderr).toBe(0);
    const pubkey = join(dir(), `auth-${store}.pub`);
    expect((await run('openssl', ['x509', '-in', pem, '-pubkey', '-noout', '-out', pubkey])).code).toBe(0);
    const verified = await run('openssl', ['dgst', '-sha256', '-verify', pubkey, '-signature', sig, data]);
    expect(verified.stdout).toContain('Verified OK');
    writeFileSync(data, 'tampered');
    expect((await run('openssl', ['dgst', '-sha256', '-verify', pubkey, '-signature', sig, data])).stdout).not.toContain('Verified OK');
    const events = (await kagiya.http.events(card)).body.events as Array<Record<string, unknown>>;
    expect(events.find((e) => e.operation === 'reader-sign')).toMatchObject({ slot: 'auth', channel: 'ic-reader' });
  });

  it('records a wrong PIN from pkcs11-tool in Kagiya; the third locks the slot for HTTP too (6983: CKR_PIN_LOCKED)', async () => {
    const login = (pin: string) => pkcs11(['--slot-index', '0', '--login', '--pin', pin, '--list-objects']);
    const first = await login('0000');
    expect(first.stderr).toContain('CKR_PIN_INCORRECT');
    const events = (await kagiya.http.events(card)).body.events as Array<Record<string, unknown>>;
    expect(events[0]).toMatchObject({ operation: 'verify', slot: 'auth', result: 'incorrect', channel: 'ic-reader', remainingAfter: 2 });
    expect(String(events[0]!.terminal)).toMatch(/^vpcd@127\.0\.0\.1:35963/);
    expect((await status()).auth!.remaining).toBe(2);
    await login('0001');
    const third = await login('0002');
    expect(third.stderr).toContain('CKR_PIN_INCORRECT'); // 63 C0: the try that locks
    const http = await kagiya.http.verify(card, 'auth', PINS.auth);
    expect(http.status).toBe(423);
    expect(http.body.error.code).toBe('PIN_LOCKED');
    expect(await triesLeft()).toEqual([0, 5]);
    const locked = await login(PINS.auth);
    expect(locked.stderr).toContain('CKR_PIN_LOCKED');
    expect((await pkcs11(['--list-token-slots'])).stdout).toContain('user PIN locked');
    // The trace explains it, and never shows a PIN.
    await waitFor('the trace of the locked VERIFY', () => reader.output().includes('6983') || reader.output().includes('69 83'));
    expect(reader.output()).toContain('was already locked');
    expect(reader.output()).toContain('now locked (63 C0)');
    expect(reader.output()).not.toContain(Buffer.from(PINS.auth).toString('hex').toUpperCase());
    expect(reader.output()).not.toContain(Buffer.from(PINS.sign).toString('hex').toUpperCase());
  });

  it('refuses to sign without a VERIFY, and after a reset, with the card’s 69 82', async () => {
    const sign = `802A008033${DIGEST_INFO}00`;
    const verifySign = `002000800A${Buffer.from(PINS.sign).toString('hex')}`;
    const without = await apdus(SELECT_JPKI, '00A4020C020017', sign);
    expect(without.stdout).toContain('Received (SW1=0x69, SW2=0x82)');
    // Verified and signed in one connection...
    const ok = await apdus(SELECT_JPKI, '00A4020C02001B', verifySign, '00A4020C02001A', sign);
    expect(ok.stdout.match(/Received \(SW1=0x90, SW2=0x00\)/g)).toHaveLength(5);
    // ...then verified and reset (opensc-tool --reset: the card is powered off and on).
    const beforeReset = reader.output().length;
    const reset = await run('opensc-tool', ['--reader', '0', '-s', SELECT_JPKI, '-s', '00A4020C02001B', '-s', verifySign, '--reset']);
    expect(reset.stdout).toMatch(/Received \(SW1=0x90, SW2=0x00\)\s*$/);
    const afterReset = await apdus(SELECT_JPKI, '00A4020C02001A', sign);
    expect(afterReset.stdout).toContain('Received (SW1=0x69, SW2=0x82)');
    const trace = reader.output().slice(beforeReset);
    const cleared = trace.indexOf('selection and verified PINs cleared');
    expect(cleared).toBeGreaterThan(trace.indexOf('VERIFY EF 001B'));
    // The reset, not the re-selection, cleared it: the SELECT after the reset found nothing to clear.
    expect(trace.slice(cleared)).not.toContain('Selecting the application again cleared');
    expect(trace).toContain('No successful VERIFY of the signing password');
  });

  it('answers the tries left of the text-input-assist AP as myna asks for them', async () => {
    const text = await apdus('00A4040C0AD3921000310001010408', '00A4020C020011', '00200080');
    expect(text.stdout).toContain('Received (SW1=0x63, SW2=0xC3)');
  });

  it('takes the card out of the field and puts it back (a new card session)', async () => {
    reader.signal('SIGUSR1');
    await waitFor('the reader to show no card', async () => /0\s+No\s+Virtual PCD 00 00/.test((await run('opensc-tool', ['--list-readers'])).stdout));
    reader.signal('SIGUSR2');
    await waitFor('the card back in the reader', async () => /0\s+Yes\s+Virtual PCD 00 00/.test((await run('opensc-tool', ['--list-readers'])).stdout));
    expect(reader.inserted()).toBe(2);
    expect(await triesLeft()).toEqual([3, 5]);
    // Kagiya closed the first card session when the card left the field.
    const sessions = await kagiya.system.db.selectFrom('reader_sessions').select(['closed_at']).where('card_id', '=', card.cardId).orderBy('opened_at').execute();
    expect(sessions.length).toBeGreaterThanOrEqual(3); // the CLI's start-up check, the first and the second insertion
    expect(sessions.slice(0, -1).every((s) => s.closed_at !== null)).toBe(true);
    expect(sessions.at(-1)!.closed_at).toBeNull();
  });
});

describe('the blocked word as a setting', { timeout: 120_000 }, () => {
  it('answers 6984 when the reader is started with --blocked-sw 6984, which OpenSC reports as a general error', async () => {
    const kagiya = await startKagiya(STORES[0]!);
    const card = await kagiya.rsaCard();
    for (let i = 0; i < 3; i += 1) await kagiya.http.verify(card, 'auth', '0000');
    const reader = await startReaderCli(kagiya.url, card, lab.dir, ['--blocked-sw', '6984']);
    try {
      const raw = await apdus(SELECT_JPKI, '00A4020C020018', '00200080', `0020008004${Buffer.from(PINS.auth).toString('hex')}`);
      expect(raw.stdout).toContain('Received (SW1=0x63, SW2=0xC0)');
      expect(raw.stdout).toContain('Received (SW1=0x69, SW2=0x84)');
      const login = await pkcs11(['--slot-index', '0', '--login', '--pin', PINS.auth, '--list-objects']);
      expect(login.stderr).toContain('CKR_GENERAL_ERROR');
    } finally {
      await reader.stop();
      await kagiya.close();
    }
  });
});
