import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../domain/apdu/command-apdu.js';
import type { EfSpec } from '../../domain/apdu/jpki-layout.js';
import type { CertKind, PinSlot } from '../../domain/pin-slot.js';
import { runCommand } from './jpki-card.js';
import { POWERED_UP, type CardSettings, type ReaderState, type SignResult, type VerifyResult, type VirtualCardPort } from './virtual-card.js';

// The APDU handling of the virtual My Number Card, against a fake Kagiya: which status word each command gets,
// what reaches Kagiya (PIN entries, signatures) and what the security state becomes.

const CERT = Uint8Array.from([0x30, 0x82, 0x01, 0x2c, ...new Array(0x12c).fill(7)]); // 304 bytes, DER-shaped
const SETTINGS: CardSettings = { blockedStatusWord: '6983', idleSeconds: 60 };

function fakeCard(options: { slots?: Partial<Record<PinSlot, { remaining: number; pin: string }>>; algorithm?: string } = {}) {
  const slots: Partial<Record<PinSlot, { remaining: number; pin: string; max: number }>> = {};
  const defaults = options.slots ?? { auth: { remaining: 3, pin: '4831' }, sign: { remaining: 5, pin: 'KAGIYA2468' }, assist: { remaining: 3, pin: '7392' }, juki: { remaining: 3, pin: '5068' } };
  for (const [slot, s] of Object.entries(defaults)) slots[slot as PinSlot] = { ...s!, max: s!.remaining };
  const calls = { verify: [] as Array<{ slot: PinSlot; pin: string }>, sign: [] as Array<{ cert: CertKind; data: string }> };
  const port: VirtualCardPort = {
    hasSlot: (slot) => slots[slot] !== undefined,
    triesLeft: async (slot) => slots[slot]?.remaining ?? null,
    async verify(slot, pin): Promise<VerifyResult> {
      calls.verify.push({ slot, pin });
      const s = slots[slot]!;
      if (!/^\d{4}$/.test(pin) && slot !== 'sign') return { kind: 'refused', code: 'PIN_FORMAT' };
      if (slot === 'sign' && !/^[0-9A-Za-z]{6,16}$/.test(pin)) return { kind: 'refused', code: 'PIN_FORMAT' };
      if (s.remaining === 0) return { kind: 'locked' };
      if ((slot === 'sign' ? pin.toUpperCase() : pin) === s.pin) {
        s.remaining = s.max;
        return { kind: 'ok' };
      }
      s.remaining -= 1;
      return s.remaining === 0 ? { kind: 'locked-now' } : { kind: 'incorrect', remaining: s.remaining };
    },
    async fileContent(ef: EfSpec) {
      if (ef.kind === 'certificate' || ef.kind === 'ca-certificate') return CERT;
      if (ef.kind === 'token') return new TextEncoder().encode('JPKIAPICCTOKEN2'.padEnd(32, ' '));
      if (ef.kind === 'my-number') return Uint8Array.from([0xf0, 0x0c, ...new TextEncoder().encode('123456789018')]);
      return null;
    },
    async sign(cert, data): Promise<SignResult> {
      calls.sign.push({ cert, data: toHex(data) });
      if ((options.algorithm ?? 'RSA-2048') !== 'RSA-2048') return { kind: 'not-rsa', algorithm: options.algorithm! };
      return { kind: 'ok', signature: new Uint8Array(256).fill(0xab) };
    },
  };
  return { port, calls, slots };
}

/** Sends hex APDUs in order from `state`; returns each response's SW and the last state. */
async function send(card: VirtualCardPort, apdus: string[], state: ReaderState = POWERED_UP, settings = SETTINGS) {
  const answers = [];
  for (const hex of apdus) {
    const answer = await runCommand(card, state, fromHex(hex)!, settings);
    state = answer.state;
    answers.push(answer);
  }
  const last = answers.at(-1)!;
  return { state, answers, sw: toHex(last.response.subarray(-2)), data: last.response.subarray(0, -2), trace: last.trace };
}

const SELECT_JPKI = '00A4040C0AD392F000260100000001';
const SELECT_TEXT = '00A4040C0AD3921000310001010408';
const SELECT_VISUAL = '00A4040C0AD3921000310001010402';
const ef = (fid: string) => `00A4020C02${fid}`;
const verifyApdu = (pin: string) => `00200080${pin.length.toString(16).padStart(2, '0')}${toHex(new TextEncoder().encode(pin))}`;
const DIGEST_INFO = '3031300D060960864801650304020105000420' + 'AA'.repeat(32);
const SIGN = `802A008033${DIGEST_INFO}00`;

describe('selecting applications and files', () => {
  it('selects the JPKI AP by its AID and answers unknown AIDs with 6A82, so other drivers do not claim the card', async () => {
    const { port } = fakeCard();
    expect((await send(port, [SELECT_JPKI])).sw).toBe('9000');
    const probe = await send(port, ['00A4040C07A000000079010E00']);
    expect(probe.sw).toBe('6A82');
    expect(probe.trace.why?.en).toMatch(/probing/);
    expect((await send(port, ['00CA DF 30 05'.replaceAll(' ', '')])).sw).toBe('6D00');
  });

  it('refuses an EF before any application is selected, and an EF the application does not have', async () => {
    const { port } = fakeCard();
    expect((await send(port, [ef('0018')])).sw).toBe('6A82');
    const wrong = await send(port, [SELECT_JPKI, ef('0011')]);
    expect(wrong.sw).toBe('6A82');
    expect(wrong.trace.why?.en).toContain('has no EF 0011');
  });

  it('hides the signing EFs of a card without a signing certificate', async () => {
    const { port } = fakeCard({ slots: { auth: { remaining: 3, pin: '4831' }, assist: { remaining: 3, pin: '7392' }, juki: { remaining: 3, pin: '5068' } } });
    for (const fid of ['001B', '0001', '001A']) expect((await send(port, [SELECT_JPKI, ef(fid)])).sw).toBe('6A82');
    expect((await send(port, [SELECT_JPKI, ef('0002')])).sw).toBe('9000');
  });

  it('answers SELECT with P2=00 with an FCI holding the AID', async () => {
    const { port } = fakeCard();
    const r = await send(port, ['00A404000AD392F00026010000000100']);
    expect(r.sw).toBe('9000');
    expect(toHex(r.data)).toBe('6F0C840AD392F000260100000001');
  });
});

describe('READ BINARY', () => {
  it('reads a certificate in the pieces OpenSC asks for: 4 bytes, then 256-byte chunks, then 6B00 past the end', async () => {
    const { port } = fakeCard();
    const head = await send(port, [SELECT_JPKI, ef('000A'), '00B0000004']);
    expect(toHex(head.data)).toBe('3082012C');
    const chunk = await send(port, ['00B0000000'], head.state);
    expect(chunk.data.length).toBe(256);
    const rest = await send(port, ['00B0010000'], head.state);
    expect(rest.data.length).toBe(304 - 256);
    expect(rest.sw).toBe('9000');
    expect((await send(port, ['00B0013000'], head.state)).sw).toBe('6B00');
  });

  it('reads the token EF as JPKIAPICCTOKEN2 padded to 32 bytes', async () => {
    const { port } = fakeCard();
    const r = await send(port, [SELECT_JPKI, ef('0006'), '00B0000020']);
    expect(new TextDecoder().decode(r.data)).toBe('JPKIAPICCTOKEN2                 ');
  });

  it('refuses the signing certificate (6982) until the signing password is verified in this session', async () => {
    const { port } = fakeCard();
    const before = await send(port, [SELECT_JPKI, ef('0001'), '00B0000004']);
    expect(before.sw).toBe('6982');
    const after = await send(port, [SELECT_JPKI, ef('001B'), verifyApdu('KAGIYA2468'), ef('0001'), '00B0000004']);
    expect(after.sw).toBe('9000');
  });

  it('never reads a PIN or key EF, and needs a selected EF', async () => {
    const { port } = fakeCard();
    expect((await send(port, [SELECT_JPKI, ef('0017'), '00B0000004'])).sw).toBe('6981');
    expect((await send(port, [SELECT_JPKI, ef('0018'), '00B0000004'])).sw).toBe('6981');
    expect((await send(port, [SELECT_JPKI, '00B0000004'])).sw).toBe('6986');
  });

  it('releases the My Number on the text AP only after the assist PIN', async () => {
    const { port } = fakeCard();
    expect((await send(port, [SELECT_TEXT, ef('0001'), '00B0000011'])).sw).toBe('6982');
    const r = await send(port, [SELECT_TEXT, ef('0011'), verifyApdu('7392'), ef('0001'), '00B0000011']);
    expect(r.sw).toBe('9000');
    expect(new TextDecoder().decode(r.data.subarray(2))).toBe('123456789018');
    // The trace shows data by length only.
    expect(JSON.stringify(r.trace)).not.toContain('123456789018');
  });
});

describe('VERIFY', () => {
  it('answers the empty VERIFY with 63 Cx in every state and never reaches the PIN-entry path', async () => {
    const { port, calls, slots } = fakeCard();
    expect((await send(port, [SELECT_JPKI, ef('0018'), '00200080'])).sw).toBe('63C3');
    expect((await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831'), '00200080'])).sw).toBe('63C3'); // verified: still 63 Cx
    slots.auth!.remaining = 0;
    expect((await send(port, [SELECT_JPKI, ef('0018'), '00200080'])).sw).toBe('63C0'); // locked
    expect((await send(port, [SELECT_JPKI, ef('001B'), '00200080'])).sw).toBe('63C5');
    expect(calls.verify).toHaveLength(1);
  });

  it('sends a PIN through the PIN-entry path: 9000 on a match, 63 Cx with the tries left, 63 C0 on the last try', async () => {
    const { port, calls } = fakeCard();
    expect((await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('0000')])).sw).toBe('63C2');
    expect((await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('1111')])).sw).toBe('63C1');
    const last = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('2222')]);
    expect(last.sw).toBe('63C0');
    expect(last.trace.why?.en).toContain('now locked');
    expect(calls.verify.map((c) => c.slot)).toEqual(['auth', 'auth', 'auth']);
  });

  it('answers a VERIFY on a blocked PIN with 6983 by default and 6984 when set, the right PIN included', async () => {
    const { port, slots } = fakeCard();
    slots.auth!.remaining = 0;
    const truthful = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831')]);
    expect(truthful.sw).toBe('6983');
    expect(truthful.trace.why?.en).toContain('CKR_PIN_LOCKED');
    expect((await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831')], POWERED_UP, { ...SETTINGS, blockedStatusWord: '6984' })).sw).toBe('6984');
    expect((await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('0000')], POWERED_UP, { ...SETTINGS, blockedStatusWord: '6984' })).sw).toBe('6984');
  });

  it('explains a PIN sent to a file that is not a PIN, without spending anything', async () => {
    const { port, calls } = fakeCard();
    const r = await send(port, [SELECT_JPKI, ef('000A'), verifyApdu('4831')]);
    expect(r.sw).toBe('6981');
    expect(r.trace.why?.en).toContain('not a PIN');
    expect((await send(port, [SELECT_JPKI, verifyApdu('4831')])).sw).toBe('6986');
    expect(calls.verify).toHaveLength(0);
  });

  it('refuses a malformed entry with 6A80 (nothing spent) and hints at the file the app probably meant', async () => {
    const { port } = fakeCard();
    const r = await send(port, [SELECT_JPKI, ef('001B'), verifyApdu('4831')]);
    expect(r.sw).toBe('6A80');
    expect(r.trace.why?.en).toContain('was the authentication PIN (EF 0018) meant?');
  });

  it('notes a lowercase signing password and masks every PIN byte in the trace', async () => {
    const { port } = fakeCard();
    const r = await send(port, [SELECT_JPKI, ef('001B'), verifyApdu('kagiya2468')]);
    expect(r.sw).toBe('9000');
    expect(r.trace.why?.en).toContain('lowercase');
    expect(r.trace.command).toBe(`00200080 0A ${'**'.repeat(10)}`);
    expect(JSON.stringify(r.trace).toLowerCase()).not.toContain('kagiya2468');
    expect(JSON.stringify(r.trace)).not.toContain(toHex(new TextEncoder().encode('kagiya2468')));
  });

  it('reports the verification values A/B of the text and visual APs without accepting entries for them', async () => {
    const { port, calls } = fakeCard();
    for (const [ap, fid] of [[SELECT_TEXT, '0014'], [SELECT_TEXT, '0015'], [SELECT_VISUAL, '0013'], [SELECT_VISUAL, '0012']] as const) {
      expect((await send(port, [ap, ef(fid), '00200080'])).sw).toBe('63C3');
      expect((await send(port, [ap, ef(fid), verifyApdu('123456789018')])).sw).toBe('6A81');
    }
    expect((await send(port, [SELECT_TEXT, ef('0011'), '00200080'])).sw).toBe('63C3');
    expect(calls.verify).toHaveLength(0);
  });
});

describe('refusals that are not locks', () => {
  it('answers 64 00 when Kagiya cannot take the entry, and 69 85 for a suspended card, with the reason', async () => {
    const { port } = fakeCard();
    port.verify = async () => ({ kind: 'refused', code: 'SERVICE_UNAVAILABLE' });
    const busy = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831')]);
    expect(busy.sw).toBe('6400');
    expect(busy.trace.why?.en).toContain('SERVICE_UNAVAILABLE');
    port.verify = async () => ({ kind: 'refused', code: 'CARD_SUSPENDED' });
    const suspended = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831')]);
    expect(suspended.sw).toBe('6985');
    expect(suspended.trace.why?.en).toContain('not a PIN lock');
  });

  it('answers 69 85 for a risk hold and a blocked source, each saying it is not a lock and spent nothing', async () => {
    const { port } = fakeCard();
    port.verify = async () => ({ kind: 'refused', code: 'RISK_HOLD' });
    const held = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831')]);
    expect(held.sw).toBe('6985');
    expect(held.trace.why?.ja).toContain('ロックではありません');
    expect(held.trace.why?.en).toContain('security hold');
    port.verify = async () => ({ kind: 'refused', code: 'SOURCE_BLOCKED' });
    const blocked = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831')]);
    expect(blocked.sw).toBe('6985');
    expect(blocked.trace.why?.en).toContain('no try was used');
  });
});

describe('the 住基 AP', () => {
  it('answers the resident-register PIN: tries left, and entries through the PIN-entry path', async () => {
    const { port, calls } = fakeCard();
    const SELECT_JUKI = '00A4040C0AD3921000310001010100';
    expect((await send(port, [SELECT_JUKI, ef('001C'), '00200080'])).sw).toBe('63C3');
    expect((await send(port, [SELECT_JUKI, ef('001C'), verifyApdu('0000')])).sw).toBe('63C2');
    expect(calls.verify).toEqual([{ slot: 'juki', pin: '0000' }]);
  });
});

describe('COMPUTE DIGITAL SIGNATURE', () => {
  it('signs a DigestInfo with the auth key after VERIFY of the auth PIN in the same session', async () => {
    const { port, calls } = fakeCard();
    const r = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831'), ef('0017'), SIGN]);
    expect(r.sw).toBe('9000');
    expect(r.data.length).toBe(256);
    expect(calls.sign).toEqual([{ cert: 'auth', data: DIGEST_INFO }]);
    expect(r.trace.does.en).toContain('DigestInfo (SHA-256, 51 bytes)');
  });

  it('refuses with 6982 without a VERIFY, after a wrong PIN, with the other PIN, and after re-selecting the AP', async () => {
    const { port, calls } = fakeCard();
    expect((await send(port, [SELECT_JPKI, ef('0017'), SIGN])).sw).toBe('6982');
    expect((await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('0000'), ef('0017'), SIGN])).sw).toBe('6982');
    expect((await send(port, [SELECT_JPKI, ef('001B'), verifyApdu('KAGIYA2468'), ef('0017'), SIGN])).sw).toBe('6982');
    const reselected = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831'), SELECT_JPKI, ef('0017'), SIGN]);
    expect(reselected.sw).toBe('6982');
    expect(reselected.answers[3]!.trace.why?.en).toContain('cleared the verified PINs');
    expect(calls.sign).toHaveLength(0);
  });

  it('loses the verified state when a later VERIFY of the same PIN fails', async () => {
    const { port } = fakeCard();
    expect((await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831'), verifyApdu('0000'), ef('0017'), SIGN])).sw).toBe('6982');
  });

  it('needs a key EF selected, the card command 80 2A 00 80, and at most 245 bytes', async () => {
    const { port } = fakeCard();
    const verified = (await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831')])).state;
    expect((await send(port, [SELECT_JPKI, SIGN], verified)).sw).toBe('6986');
    expect((await send(port, [ef('0017'), `00 2A 00 80 03 303130 00`.replaceAll(' ', '')], verified)).sw).toBe('6A86');
    expect((await send(port, [ef('0017'), `802A0080F6${'00'.repeat(246)}00`], verified)).sw).toBe('6700');
  });

  it('refuses to sign with an ECDSA card (6985) and says why', async () => {
    const { port } = fakeCard({ algorithm: 'ECDSA-P256' });
    const r = await send(port, [SELECT_JPKI, ef('0018'), verifyApdu('4831'), ef('0017'), SIGN]);
    expect(r.sw).toBe('6985');
    expect(r.trace.why?.en).toContain('RSA-2048');
  });
});

describe('malformed and foreign commands', () => {
  it('answers every byte string with a status word', async () => {
    const { port } = fakeCard();
    expect((await send(port, ['00A4'])).sw).toBe('6700');
    expect((await send(port, ['00A4040C0AD392'])).sw).toBe('6700');
    expect((await send(port, ['00B000000000FF'])).sw).toBe('6700'); // extended Le
    expect((await send(port, ['0CA4040C0AD392F000260100000001'])).sw).toBe('6E00');
    expect((await send(port, ['0024018004313233340000'.slice(0, 18)])).sw).toBe('6A81');
  });
});

