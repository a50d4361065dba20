import { apName, efName, insName, pinShape, redactedCommand, SLOT_NAMES, type Text, type TraceEntry } from '../../domain/apdu/apdu-trace.js';
import { parseCommandApdu, toHex, type CommandApdu } from '../../domain/apdu/command-apdu.js';
import { applicationByAid, fileOf, type EfSpec } from '../../domain/apdu/jpki-layout.js';
import { blockedWord, describeStatusWord, swHex, SW } from '../../domain/apdu/status-words.js';
import type { PinSlot } from '../../domain/pin-slot.js';
import { runSecurityCommand } from './jpki-security.js';
import type { CardSettings, HandlerResult, ReaderState, VirtualCardPort } from './virtual-card.js';

export type CardAnswer = Readonly<{ state: ReaderState; response: Uint8Array; trace: TraceEntry }>;

/**
 * One command APDU to the virtual My Number Card (ISO/IEC 7816-4; jpki-apdu §2). Never throws for anything
 * a reader can send: every command gets a status word, because a silent card hangs pcscd (jpki-apdu §1).
 */
export async function runCommand(card: VirtualCardPort, state: ReaderState, bytes: Uint8Array, settings: CardSettings): Promise<CardAnswer> {
  const parsed = parseCommandApdu(bytes);
  if (parsed.kind === 'malformed') {
    const does = { ja: `解釈できないAPDU(${bytes.length}バイト)`, en: `unparseable APDU (${bytes.length} bytes)` };
    const why = { ja: '短いAPDU(Lc・Leは1バイト)だけを受け付けます。拡張APDUには対応していません。', en: 'Only short APDUs (one-byte Lc and Le) are accepted; extended APDUs are not supported.' };
    return finish({ state, sw: SW.WRONG_LENGTH, does, why }, toHex(bytes.subarray(0, 4)));
  }
  const apdu = parsed.apdu;
  const result = await dispatch(card, state, apdu, settings);
  return finish(result, redactedCommand(apdu));
}

function finish(result: HandlerResult, command: string): CardAnswer {
  const data = result.data ?? new Uint8Array(0);
  const response = new Uint8Array(data.length + 2);
  response.set(data);
  response[data.length] = result.sw >> 8;
  response[data.length + 1] = result.sw & 0xff;
  return {
    state: result.state,
    response,
    trace: { command, does: result.does, sw: swHex(result.sw), dataLength: data.length, means: describeStatusWord(result.sw), why: result.why ?? null },
  };
}

async function dispatch(card: VirtualCardPort, state: ReaderState, apdu: CommandApdu, settings: CardSettings): Promise<HandlerResult> {
  if (apdu.cla !== 0x00 && apdu.cla !== 0x80) {
    return {
      state,
      sw: SW.CLA_NOT_SUPPORTED,
      does: { ja: `${insName(apdu.ins)}(CLA ${toHex(Uint8Array.of(apdu.cla))})`, en: `${insName(apdu.ins)} (CLA ${toHex(Uint8Array.of(apdu.cla))})` },
      why: { ja: 'このカードはCLA 00(署名は80)だけを受け付けます。セキュアメッセージングやコマンドチェーンには対応していません。', en: 'This card takes CLA 00 (80 for signing) only; no secure messaging or command chaining.' },
    };
  }
  switch (apdu.ins) {
    case 0xa4:
      return select(card, state, apdu);
    case 0xb0:
      return readBinary(card, state, apdu);
    case 0x20:
    case 0x2a:
      return runSecurityCommand(card, state, apdu, settings);
    case 0x24:
      return {
        state,
        sw: SW.FUNCTION_NOT_SUPPORTED,
        does: { ja: 'CHANGE REFERENCE DATA(暗証番号の変更)', en: 'CHANGE REFERENCE DATA (change a PIN)' },
        why: {
          ja: '鍵屋ではカードリーダーからの暗証番号変更は受け付けていません。APIの変更機能か市区町村の窓口をご利用ください。回数は消費していません。',
          en: 'Kagiya does not change PINs over a reader; use the API’s change call or the municipal counter. No try was spent.',
        },
      };
    default:
      return {
        state,
        sw: SW.INS_NOT_SUPPORTED,
        does: { ja: `${insName(apdu.ins)}(このカードにない命令)`, en: `${insName(apdu.ins)} (not an instruction of this card)` },
        why: {
          ja: 'マイナンバーカードにない命令です。OpenSCが他のカードの種類を調べている場合は正常な応答です。',
          en: 'The My Number Card has no such instruction. When OpenSC is probing for other card types, this answer is normal.',
        },
      };
  }
}

const PROBE_WHY: Text = {
  ja: 'このカードにないアプリケーションです。OpenSCが他のカードの種類を調べている場合は正常な応答です。',
  en: 'This card has no such application. When OpenSC is probing for other card types, this answer is normal.',
};

/** Whether an EF belongs to the signing certificate, absent on a card without one (under-15s, adult wards). */
function needsSignSlot(ef: EfSpec): boolean {
  return (ef.kind === 'pin' && ef.slot === 'sign') || ((ef.kind === 'certificate' || ef.kind === 'private-key') && ef.cert === 'sign');
}

function select(card: VirtualCardPort, state: ReaderState, apdu: CommandApdu): HandlerResult {
  if (apdu.p1 === 0x04) {
    const aid = toHex(apdu.data);
    const app = applicationByAid(aid);
    if (!app) return { state, sw: apdu.hasData ? SW.FILE_NOT_FOUND : SW.WRONG_LENGTH, does: { ja: `SELECT AID ${aid}`, en: `SELECT AID ${aid}` }, why: PROBE_WHY };
    if (apdu.p2 !== 0x0c && apdu.p2 !== 0x00) return { state, sw: SW.WRONG_P1P2, does: { ja: `SELECT ${app.ja}`, en: `SELECT the ${app.en}` } };
    // Selecting the application (again) drops the security state, like OpenSC's logout (jpki-apdu §4).
    const cleared = state.verified.length > 0;
    const fci = apdu.p2 === 0x00 ? Uint8Array.from([0x6f, apdu.data.length + 2, 0x84, apdu.data.length, ...apdu.data]) : undefined;
    return {
      state: { ap: app.id, ef: null, verified: [] },
      sw: SW.OK,
      ...(fci ? { data: fci } : {}),
      does: { ja: `SELECT ${app.ja}(${aid})`, en: `SELECT the ${app.en} (${aid})` },
      why: cleared
        ? { ja: 'アプリケーションを選択し直したため、照合済みの暗証番号(セキュリティ状態)は消去されました。署名の前にもう一度VERIFYが必要です。', en: 'Selecting the application again cleared the verified PINs (security state): VERIFY again before signing.' }
        : null,
    };
  }
  if (apdu.p1 === 0x00 || apdu.p1 === 0x02) {
    const fid = toHex(apdu.data);
    const does = { ja: `SELECT EF ${fid}`, en: `SELECT EF ${fid}` };
    if (apdu.data.length !== 2) return { state, sw: SW.WRONG_LENGTH, does, why: { ja: 'ファイルIDは2バイトです。', en: 'A file id is two bytes.' } };
    if (fid === '3F00' && apdu.p1 === 0x00) {
      return { state: { ap: null, ef: null, verified: [] }, sw: SW.OK, does: { ja: 'SELECT MF', en: 'SELECT the MF' } };
    }
    if (!state.ap) {
      return {
        state,
        sw: SW.FILE_NOT_FOUND,
        does,
        why: { ja: 'アプリケーションが選択されていません。先に公的個人認証AP(D392F000260100000001)などをSELECTしてください。', en: 'No application is selected: SELECT the JPKI AP (D392F000260100000001) or another AP first.' },
      };
    }
    const ef = fileOf(state.ap, fid);
    const where = apName(state.ap);
    if (!ef) {
      return {
        state,
        sw: SW.FILE_NOT_FOUND,
        does,
        why: { ja: `${where.ja}にEF ${fid}はありません。`, en: `The ${where.en} has no EF ${fid}.` },
      };
    }
    const name = efName(ef);
    if (needsSignSlot(ef) && !card.hasSlot('sign')) {
      return {
        state,
        sw: SW.FILE_NOT_FOUND,
        does: { ja: `SELECT ${name.ja}`, en: `SELECT ${name.en}` },
        why: { ja: 'このカードには署名用電子証明書がありません(15歳未満の方などには発行されません)。ロックではありません。', en: 'This card has no signing certificate (not issued to under-15s and adult wards). This is not a lock.' },
      };
    }
    return { state: { ...state, ef: ef.fid }, sw: SW.OK, does: { ja: `SELECT ${name.ja}(${where.ja})`, en: `SELECT ${name.en} in the ${where.en}` } };
  }
  return { state, sw: SW.WRONG_P1P2, does: { ja: `SELECT(P1=${toHex(Uint8Array.of(apdu.p1))})`, en: `SELECT (P1=${toHex(Uint8Array.of(apdu.p1))})` } };
}

/** Which PIN releases an EF for reading, if any. */
function readGuard(ef: EfSpec): PinSlot | null {
  if (ef.kind === 'certificate') return ef.requires;
  if (ef.kind === 'my-number' || ef.kind === 'attributes') return ef.requires;
  return null;
}

async function readBinary(card: VirtualCardPort, state: ReaderState, apdu: CommandApdu): Promise<HandlerResult> {
  const offset = ((apdu.p1 & 0x7f) << 8) | apdu.p2;
  const ef = state.ap && state.ef ? fileOf(state.ap, state.ef) : null;
  const length = apdu.le ?? 256;
  const does = ef
    ? { ja: `READ BINARY ${efName(ef).ja}、オフセット ${offset}、${length}バイトまで`, en: `READ BINARY ${efName(ef).en}, offset ${offset}, up to ${length} bytes` }
    : { ja: `READ BINARY オフセット ${offset}`, en: `READ BINARY at offset ${offset}` };
  if (apdu.p1 & 0x80) return { state, sw: SW.FUNCTION_NOT_SUPPORTED, does, why: { ja: '短縮EF識別子(SFI)による読み出しには対応していません。先にEFをSELECTしてください。', en: 'Reading by short EF identifier is not supported: SELECT the EF first.' } };
  if (apdu.hasData) return { state, sw: SW.WRONG_LENGTH, does };
  if (!ef) return { state, sw: SW.NO_CURRENT_EF, does, why: { ja: 'EFが選択されていません。先に読み出すEFをSELECTしてください。', en: 'No EF is selected: SELECT the EF to read first.' } };
  if (ef.kind === 'pin' || ef.kind === 'verification-value' || ef.kind === 'private-key') {
    return {
      state,
      sw: SW.INCOMPATIBLE_FILE,
      does,
      why: { ja: `${efName(ef).ja}は読み出せません(暗証番号や秘密鍵はカードの外に出ません)。`, en: `${efName(ef).en} cannot be read: PINs and private keys never leave the card.` },
    };
  }
  const guard = readGuard(ef);
  if (guard && !state.verified.includes(guard)) {
    return {
      state,
      sw: SW.SECURITY_NOT_SATISFIED,
      does,
      why: {
        ja: `${efName(ef).ja}を読むには、このカードセッションで${SLOT_NAMES[guard].ja}のVERIFYが必要です。OpenSCは署名用電子証明書でこの応答を受け取っても正常に続行します。`,
        en: `Reading ${efName(ef).en} needs a VERIFY of ${SLOT_NAMES[guard].en} in this card session. OpenSC carries on normally when it gets this answer for the signing certificate.`,
      },
    };
  }
  const content = await card.fileContent(ef);
  if (!content) return { state, sw: SW.FILE_NOT_FOUND, does, why: { ja: 'このカードにはこのファイルの内容がありません。', en: 'This card holds nothing in this file.' } };
  if (offset >= content.length) {
    return { state, sw: SW.OFFSET_OUTSIDE, does, why: { ja: `ファイルは${content.length}バイトです。`, en: `The file is ${content.length} bytes long.` } };
  }
  return { state, sw: SW.OK, data: content.subarray(offset, offset + length), does };
}

