import { connect, type Socket } from 'node:net';

// vsmartcard's vpcd protocol (jpki-apdu §1): vpcd, inside pcscd, is the TCP server; the card connects to it.
// Every message in both directions is a big-endian uint16 length and a payload. A one-byte payload from vpcd
// is a control (00 power off, 01 power on, 02 reset, 04 get ATR); anything longer is a command APDU.
// Only 04 and APDUs are answered: a reply to 00/01/02 would put the stream out of step.

export type VpcdMessage = { kind: 'power-off' | 'power-on' | 'reset' | 'atr' } | { kind: 'unknown-control'; code: number } | { kind: 'apdu'; bytes: Uint8Array };

export function decodeVpcdMessage(payload: Uint8Array): VpcdMessage {
  if (payload.length === 1) {
    const code = payload[0]!;
    if (code === 0x00) return { kind: 'power-off' };
    if (code === 0x01) return { kind: 'power-on' };
    if (code === 0x02) return { kind: 'reset' };
    if (code === 0x04) return { kind: 'atr' };
    return { kind: 'unknown-control', code };
  }
  return { kind: 'apdu', bytes: payload };
}

export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(payload.length + 2);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

/** Reassembles frames from a TCP stream (vpcd sends the length and the payload in separate writes). */
export class FrameReader {
  private buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Uint8Array[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const frames: Uint8Array[] = [];
    while (this.buffer.length >= 2) {
      const length = this.buffer.readUInt16BE(0);
      if (this.buffer.length < 2 + length) break;
      frames.push(Uint8Array.prototype.slice.call(this.buffer, 2, 2 + length));
      this.buffer = this.buffer.subarray(2 + length);
    }
    return frames;
  }
}

export type VpcdHandler = (message: VpcdMessage) => Promise<Uint8Array | null>;

/**
 * One connection to vpcd: the card is in the reader while it lasts. Messages are handled one at a time, in
 * order, and every message that needs an answer gets one (a silent card hangs pcscd).
 */
export function linkToVpcd(host: string, port: number, handle: VpcdHandler): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const reader = new FrameReader();
    let queue = Promise.resolve();
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => socket.destroy());
      resolve({ socket, closed });
    });
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      for (const payload of reader.push(chunk)) {
        queue = queue.then(async () => {
          const reply = await handle(decodeVpcdMessage(payload));
          if (reply && !socket.destroyed) socket.write(frame(reply));
        });
      }
    });
  });
}
