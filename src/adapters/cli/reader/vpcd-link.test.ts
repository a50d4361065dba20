import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeVpcdMessage, frame, FrameReader, linkToVpcd, type VpcdMessage } from './vpcd-link.js';

describe('vpcd framing (uint16 big-endian length + payload)', () => {
  it('reassembles frames split across reads and joined in one read', () => {
    const reader = new FrameReader();
    expect(reader.push(Uint8Array.of(0x00))).toEqual([]);
    expect(reader.push(Uint8Array.of(0x01))).toEqual([]);
    const out = reader.push(Uint8Array.of(0x04, 0x00, 0x02, 0x90, 0x00));
    expect(out.map((f) => Buffer.from(f).toString('hex'))).toEqual(['04', '9000']);
  });

  it('decodes one-byte controls and treats longer payloads as APDUs', () => {
    expect([0, 1, 2, 4].map((c) => decodeVpcdMessage(Uint8Array.of(c)).kind)).toEqual(['power-off', 'power-on', 'reset', 'atr']);
    expect(decodeVpcdMessage(Uint8Array.of(0, 0xa4, 4, 0)).kind).toBe('apdu');
    expect(Buffer.from(frame(Uint8Array.of(0x90, 0x00))).toString('hex')).toBe('00029000');
  });
});

describe('the link to vpcd', () => {
  let close: () => void = () => {};
  afterEach(() => close());

  it('answers ATR requests and APDUs in order and never answers power controls', async () => {
    const received: Buffer[] = [];
    let vpcd!: Socket;
    const server = createServer((s) => {
      vpcd = s;
      s.on('data', (d) => received.push(d));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    const port = (server.address() as { port: number }).port;
    const seen: VpcdMessage['kind'][] = [];
    const { socket } = await linkToVpcd('127.0.0.1', port, async (m) => {
      seen.push(m.kind);
      if (m.kind === 'atr') return Uint8Array.of(0x3b, 0x00);
      if (m.kind === 'apdu') {
        await new Promise((r) => setTimeout(r, 20)); // a slow answer must not let the next one overtake it
        return Uint8Array.of(0x90, 0x00);
      }
      return null;
    });
    await new Promise((r) => setTimeout(r, 50));
    // The length and the payload arrive in separate writes, as vpcd 0.8 sends them.
    vpcd.write(Buffer.from('0001', 'hex'));
    vpcd.write(Buffer.from('01', 'hex'));
    vpcd.write(Buffer.from('000104', 'hex'));
    vpcd.write(Buffer.from('000400a4040c0001', 'hex'));
    vpcd.write(Buffer.from('04', 'hex'));
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual(['power-on', 'atr', 'apdu', 'atr']);
    expect(Buffer.concat(received).toString('hex')).toBe('00023b00' + '00029000' + '00023b00');
    socket.destroy();
  });
});
