import type { Socket } from 'node:net';
import { fromHex } from '../../../domain/apdu/command-apdu.js';
import { CARD_ATR_HEX } from '../../../domain/apdu/jpki-layout.js';
import { SW, swHex } from '../../../domain/apdu/status-words.js';
import { KagiyaHttpError, type CardClient, type Exchange, type Text } from './kagiya-card-client.js';
import { linkToVpcd, type VpcdMessage } from './vpcd-link.js';

// `kagiya reader`: one Kagiya card in vpcd's virtual reader. Connecting to vpcd is inserting the card into
// the field; closing the connection is removing it. Each insertion is a new reader session in Kagiya.

export type ReaderEvents = {
  /** Each APDU exchange, decoded (only when tracing). */
  exchange?(exchange: Exchange): void;
  /** Insertions, removals, problems: one line each, Japanese / English. */
  status(text: Text): void;
  /** Power off, power on and reset from the reader (only when tracing: pcscd powers an idle card down often). */
  power?(text: Text): void;
};

export type ReaderOptions = Readonly<{
  client: CardClient;
  host: string;
  port: number;
  terminal: string;
  blockedStatusWord: '6983' | '6984';
  events: ReaderEvents;
  retryMs?: number;
}>;

const ATR = fromHex(CARD_ATR_HEX)!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** "No precise diagnosis": Kagiya could not be reached. Always answer: a silent card hangs pcscd (jpki-apdu §1). */
const NO_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

export function startReader(options: ReaderOptions) {
  const { client, events } = options;
  const retryMs = options.retryMs ?? 1000;
  let wantInserted = true;
  let stopped = false;
  let socket: Socket | null = null;
  let wake: () => void = () => {};

  async function runInsertion(): Promise<void> {
    let session: { sessionId: string } | null = null;
    const openSession = async () => {
      session = await client.open(options.terminal, options.blockedStatusWord);
      return session.sessionId;
    };
    let sessionReady: Promise<string> | null = null;
    const sessionId = () => (sessionReady ??= openSession());

    const handle = async (message: VpcdMessage): Promise<Uint8Array | null> => {
      if (message.kind === 'atr') return ATR;
      if (message.kind === 'unknown-control') return null;
      try {
        if (message.kind !== 'apdu') {
          await client.reset(await sessionId());
          events.power?.(POWER_TEXT[message.kind]);
          return null;
        }
        let exchange: Exchange;
        try {
          exchange = await client.transmit(await sessionId(), message.bytes);
        } catch (error) {
          // Kagiya forgot the session (restarted, or it was closed): the card is re-inserted, state empty.
          if (!(error instanceof KagiyaHttpError && error.status === 404)) throw error;
          sessionReady = openSession();
          events.status({ ja: 'カードセッションを開き直しました(照合状態は空です)', en: 'card session reopened (nothing verified)' });
          exchange = await client.transmit(await sessionId(), message.bytes);
        }
        events.exchange?.(exchange);
        const shown = refusalShown(message.bytes, exchange.response);
        if (shown) void client.report({ shownCode: shown, terminal: options.terminal, statusWord: swHex((exchange.response[exchange.response.length - 2]! << 8) | exchange.response[exchange.response.length - 1]!) });
        return exchange.response;
      } catch (error) {
        events.status(unreachable(error));
        sessionReady = null;
        return message.kind === 'apdu' ? NO_DIAGNOSIS : null;
      }
    };

    const link = await linkToVpcd(options.host, options.port, handle);
    socket = link.socket;
    events.status({ ja: `カードをリーダーに挿入しました(vpcd ${options.host}:${options.port})`, en: `card inserted into the reader (vpcd ${options.host}:${options.port})` });
    await link.closed;
    socket = null;
    const current = session as { sessionId: string } | null;
    if (current) await client.close(current.sessionId).catch(() => undefined);
    events.status({ ja: 'カードをリーダーから取り外しました(照合状態は消去)', en: 'card removed from the reader (verified state cleared)' });
  }

  const loop = (async () => {
    let warned = false;
    while (!stopped) {
      if (!wantInserted) {
        // Nothing else keeps the process alive while the card is out of the field.
        const keepAlive = setInterval(() => {}, 60_000);
        await new Promise<void>((resolve) => (wake = resolve));
        clearInterval(keepAlive);
        continue;
      }
      try {
        await runInsertion();
        warned = false;
      } catch {
        if (!warned) {
          events.status({
            ja: `vpcd(${options.host}:${options.port})に接続できません。pcscd が動いているか確認してください。1秒ごとに再試行します。`,
            en: `cannot reach vpcd at ${options.host}:${options.port}; is pcscd running? Retrying every second.`,
          });
          warned = true;
        }
      }
      if (!stopped && wantInserted) await sleep(retryMs);
    }
  })();

  return {
    /** Take the card out of the field. */
    remove() {
      wantInserted = false;
      socket?.destroy();
    },
    /** Put it back: a new card session. */
    insert() {
      wantInserted = true;
      wake();
    },
    isInserted: () => socket !== null,
    async stop() {
      stopped = true;
      wantInserted = false;
      socket?.destroy();
      wake();
      await loop;
    },
  };
}

const POWER_TEXT: Record<'power-off' | 'power-on' | 'reset', Text> = {
  'power-off': { ja: '電源オフ: 選択と照合状態を消去しました', en: 'power off: selection and verified PINs cleared' },
  'power-on': { ja: '電源オン: 何も選択されておらず、照合済みの暗証番号はありません', en: 'power on: nothing selected, no PIN verified' },
  reset: { ja: 'リセット: 選択と照合状態を消去しました', en: 'reset: selection and verified PINs cleared' },
};

function unreachable(error: unknown): Text {
  const detail = error instanceof KagiyaHttpError ? error.code : error instanceof Error ? error.message : String(error);
  return {
    ja: `鍵屋に接続できないため 6F00 を返しました(${detail})。カードや暗証番号のロックではありません。`,
    en: `Kagiya could not be reached, so the card answered 6F00 (${detail}). This is not a card or PIN lock.`,
  };
}

/**
 * What a card-side refusal of a VERIFY told the software on the reader, in Kagiya's codes: the blocked word is
 * PIN_LOCKED, 63Cx after a PIN was sent is PIN_INCORRECT (x tries left; 63C0 is the try that locked it). The empty
 * VERIFY (no PIN sent) reads the counter and is no refusal (jpki-apdu §2 VERIFY).
 */
export function refusalShown(command: Uint8Array, response: Uint8Array): string | null {
  if (command.length < 6 || command[1] !== 0x20 || response.length < 2) return null;
  const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!;
  if (sw === SW.AUTH_METHOD_BLOCKED || sw === SW.REFERENCE_DATA_UNUSABLE) return 'PIN_LOCKED';
  if ((sw & 0xfff0) === 0x63c0) return (sw & 0x0f) === 0 ? 'PIN_LOCKED' : 'PIN_INCORRECT';
  return null;
}
