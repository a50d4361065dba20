import { apName, efName, pinShape, SLOT_NAMES, type Text } from '../../domain/apdu/apdu-trace.js';
import { toHex, type CommandApdu } from '../../domain/apdu/command-apdu.js';
import { fileOf, pinFileOf, PIN_LENGTHS, type EfSpec } from '../../domain/apdu/jpki-layout.js';
import { blockedWord, SW } from '../../domain/apdu/status-words.js';
import { ERROR_MESSAGES } from '../../domain/errors.js';
import type { PinSlot } from '../../domain/pin-slot.js';
import type { CardSettings, HandlerResult, ReaderState, VirtualCardPort } from './virtual-card.js';

/**
 * 照合番号A/B: Kagiya keeps no counter for them and accepts no entry for them, so none is ever spent and the
 * empty VERIFY reports the maximum. The maximum itself is unconfirmed; community code says 3 (jpki-apdu §3).
 */
export const VERIFICATION_VALUE_TRIES = 3;

/** PKCS#1 v1.5 type-1 padding needs 11 bytes of the 256-byte RSA-2048 block (RFC 8017 §9.2). */
const MAX_SIGN_INPUT = 245;

const DIGEST_INFOS: ReadonlyArray<{ name: string; prefix: string; length: number }> = [
  { name: 'SHA-1', prefix: '3021300906052B0E03021A05000414', length: 35 },
  { name: 'SHA-256', prefix: '3031300D060960864801650304020105000420', length: 51 },
  { name: 'SHA-384', prefix: '3041300D060960864801650304020205000430', length: 67 },
  { name: 'SHA-512', prefix: '3051300D060960864801650304020305000440', length: 83 },
];

function describeSignInput(data: Uint8Array): Text {
  const hex = toHex(data);
  const info = DIGEST_INFOS.find((d) => d.length === data.length && hex.startsWith(d.prefix));
  return info
    ? { ja: `DigestInfo(${info.name}、${data.length}バイト)`, en: `a DigestInfo (${info.name}, ${data.length} bytes)` }
    : { ja: `生データ ${data.length}バイト(DigestInfoではありません)`, en: `raw data of ${data.length} bytes (not a DigestInfo)` };
}

/** Kagiya's own trouble: "execution error, nothing changed" (64 00), never a lock and never a card condition. */
const OUR_FAULT: ReadonlySet<string> = new Set(['SERVICE_BUSY', 'SERVICE_UNAVAILABLE', 'INTERNAL', 'CARD_REJECTED']);

const currentEf = (state: ReaderState): EfSpec | null => (state.ap && state.ef ? fileOf(state.ap, state.ef) : null);
const without = (list: readonly PinSlot[], slot: PinSlot) => list.filter((s) => s !== slot);

/** VERIFY (INS 20) and COMPUTE DIGITAL SIGNATURE (INS 2A): the commands that touch the security state. */
export async function runSecurityCommand(card: VirtualCardPort, state: ReaderState, apdu: CommandApdu, settings: CardSettings): Promise<HandlerResult> {
  return apdu.ins === 0x20 ? verify(card, state, apdu, settings) : computeSignature(card, state, apdu, settings);
}

async function verify(card: VirtualCardPort, state: ReaderState, apdu: CommandApdu, settings: CardSettings): Promise<HandlerResult> {
  const ef = currentEf(state);
  const target = ef ? efName(ef) : { ja: '(EF未選択)', en: '(no EF selected)' };
  const query = !apdu.hasData;
  const does: Text = query
    ? { ja: `VERIFY(データなし): ${target.ja}の残り回数の問い合わせ(回数を消費しません)`, en: `empty VERIFY: tries left of ${target.en} (spends nothing)` }
    : { ja: `VERIFY ${target.ja}、${pinShape(apdu.data).ja}`, en: `VERIFY ${target.en}, ${pinShape(apdu.data).en}` };
  if (apdu.p1 !== 0x00 || apdu.p2 !== 0x80) {
    return { state, sw: SW.WRONG_P1P2, does, why: { ja: 'P1=00、P2=80(選択中の暗証番号EF)を指定してください。', en: 'Use P1=00 and P2=80 (the selected PIN EF).' } };
  }
  if (!ef) {
    return {
      state,
      sw: SW.NO_CURRENT_EF,
      does,
      why: {
        ja: '暗証番号のEFが選択されていません。先にEFをSELECTしてください(利用者証明用 0018、署名用 001B、券面事項入力補助用 0011)。回数は消費していません。',
        en: 'No PIN EF is selected: SELECT it first (authentication 0018, signing 001B, text-input assist 0011). No try was spent.',
      },
    };
  }
  if (ef.kind === 'verification-value') {
    if (query) return { state, sw: SW.triesLeft(VERIFICATION_VALUE_TRIES), does, why: { ja: '鍵屋は照合番号A/Bの照合を受け付けないため、この回数が減ることはありません。', en: 'Kagiya accepts no entry for verification values A/B, so this count never goes down.' } };
    return {
      state,
      sw: SW.FUNCTION_NOT_SUPPORTED,
      does,
      why: { ja: '鍵屋は照合番号A/B(個人番号・生年月日等)の照合に対応していません。回数は消費していません。', en: 'Kagiya does not check verification values A/B (My Number, birth date…). No try was spent.' },
    };
  }
  if (ef.kind !== 'pin') {
    return {
      state,
      sw: SW.INCOMPATIBLE_FILE,
      does,
      why: {
        ja: `暗証番号が${efName(ef).ja}に送られました。これは暗証番号のEFではありません。VERIFYの前に暗証番号のEFをSELECTしてください。回数は消費していません。`,
        en: `The PIN was sent to ${efName(ef).en}, which is not a PIN. SELECT the PIN's EF before VERIFY. No try was spent.`,
      },
    };
  }
  const slot = ef.slot;
  if (query) {
    const left = await card.triesLeft(slot);
    if (left === null) return { state, sw: SW.FILE_NOT_FOUND, does };
    const why: Text =
      left === 0
        ? {
            ja: `${SLOT_NAMES[slot].ja}はロックされています。正しい暗証番号を入れても解除されません。市区町村の窓口で再設定してください(無料)。`,
            en: `${cap(SLOT_NAMES[slot].en)} is locked. The right PIN will not unlock it; have it reset at the municipal counter (free).`,
          }
        : { ja: '回数は消費していません。照合済みかどうかに関係なく、常に残り回数を答えます。', en: 'Nothing was spent. The answer is the tries left whether or not the PIN is verified.' };
    return { state, sw: SW.triesLeft(left), does, why };
  }

  const pin = Array.from(apdu.data, (b) => String.fromCharCode(b)).join('');
  const lengths = PIN_LENGTHS[slot];
  const result = await card.verify(slot, pin);
  const lowercase = slot === 'sign' && /[a-z]/.test(pin);
  const lowerNote: Text | null = lowercase
    ? { ja: '署名用パスワードに英小文字が含まれていました。鍵屋は規則どおり大文字に変換して照合しました。大文字にしないアプリは実際のカードで失敗することがあります。', en: 'The signing password held lowercase letters; Kagiya uppercased them as the rules say. Apps that do not uppercase may fail on a real card.' }
    : null;
  switch (result.kind) {
    case 'ok':
      return { state: { ...state, verified: [...without(state.verified, slot), slot] }, sw: SW.OK, does, why: lowerNote };
    case 'incorrect':
      return {
        state: { ...state, verified: without(state.verified, slot) },
        sw: SW.triesLeft(result.remaining),
        does,
        why: {
          ja: `${SLOT_NAMES[slot].ja}が違います。残り${result.remaining}回です。回数は全ての経路(アプリ・窓口・コンビニ等)で共通です。${lowerNote ? lowerNote.ja : ''}`,
          en: `Wrong ${SLOT_NAMES[slot].en.replace(/^the /, '')}: ${result.remaining} ${result.remaining === 1 ? 'try' : 'tries'} left, counted across every channel (apps, counter, kiosks). ${lowerNote ? lowerNote.en : ''}`.trim(),
        },
      };
    case 'locked-now':
      return {
        state: { ...state, verified: without(state.verified, slot) },
        sw: SW.triesLeft(0),
        does,
        why: {
          ja: `最後の1回を間違えたため、このVERIFYで${SLOT_NAMES[slot].ja}がロックされました(63 C0)。正しい暗証番号でも解除できません。市区町村の窓口で再設定してください。`,
          en: `This VERIFY used the last try: ${SLOT_NAMES[slot].en} is now locked (63 C0). The right PIN will not unlock it; have it reset at the municipal counter.`,
        },
      };
    case 'locked': {
      const word = blockedWord(settings.blockedStatusWord);
      return {
        state: { ...state, verified: without(state.verified, slot) },
        sw: word,
        does,
        why: {
          ja: `${SLOT_NAMES[slot].ja}は以前からロックされています。入力の正誤は答えません。OpenSCは6983を「PINロック」(CKR_PIN_LOCKED)、6984を一般エラーとして報告します。`,
          en: `${cap(SLOT_NAMES[slot].en)} was already locked; the answer does not say whether the PIN was right. OpenSC reports 6983 as CKR_PIN_LOCKED and 6984 as a general error.`,
        },
      };
    }
    case 'refused': {
      const message = ERROR_MESSAGES[result.code];
      if (result.code === 'PIN_FORMAT') {
        const wrongFile = wrongFileHint(slot, pin);
        return {
          state,
          sw: SW.WRONG_DATA,
          does,
          why: {
            ja: `形式が違うため照合していません(回数は消費していません)。この暗証番号は${lengths.min === lengths.max ? `${lengths.min}文字` : `${lengths.min}〜${lengths.max}文字`}です。${wrongFile?.ja ?? ''}`,
            en: `Not checked because of its format (no try spent): this PIN is ${lengths.min === lengths.max ? lengths.min : `${lengths.min}–${lengths.max}`} characters. ${wrongFile?.en ?? ''}`.trim(),
          },
        };
      }
      // Expired or revoked certificates and suspended cards are never shown as a lock (DOMAIN.md §3).
      const sw = OUR_FAULT.has(result.code) ? SW.MEMORY_UNCHANGED : SW.CONDITIONS_NOT_SATISFIED;
      return { state: { ...state, verified: without(state.verified, slot) }, sw, does, why: { ja: `${message.ja}(${result.code})`, en: `${message.en} (${result.code})` } };
    }
  }
}

/** "A PIN sent to the wrong file": the entry has the shape of another slot's PIN. */
function wrongFileHint(slot: PinSlot, pin: string): Text | null {
  if (slot === 'sign' && /^\d{4}$/.test(pin)) {
    const auth = pinFileOf('auth');
    return { ja: `4桁の数字が署名用パスワードのEF 001Bに送られました。利用者証明用の暗証番号(EF ${auth.fid})のつもりではありませんか。`, en: `Four digits were sent to the signing-password EF 001B: was the authentication PIN (EF ${auth.fid}) meant?` };
  }
  if (slot !== 'sign' && /^[0-9A-Za-z]{6,16}$/.test(pin)) {
    return { ja: '6文字以上の入力が4桁の暗証番号のEFに送られました。署名用パスワード(EF 001B)のつもりではありませんか。', en: 'Six or more characters were sent to a 4-digit PIN EF: was the signing password (EF 001B) meant?' };
  }
  return null;
}

async function computeSignature(card: VirtualCardPort, state: ReaderState, apdu: CommandApdu, settings: CardSettings): Promise<HandlerResult> {
  const ef = currentEf(state);
  const input = describeSignInput(apdu.data);
  const key = ef && ef.kind === 'private-key' ? efName(ef) : null;
  const does: Text = key
    ? { ja: `COMPUTE DIGITAL SIGNATURE ${key.ja}で${input.ja}に署名`, en: `COMPUTE DIGITAL SIGNATURE with ${key.en} over ${input.en}` }
    : { ja: `COMPUTE DIGITAL SIGNATURE ${input.ja}`, en: `COMPUTE DIGITAL SIGNATURE over ${input.en}` };
  if (apdu.cla !== 0x80 || apdu.p1 !== 0x00 || apdu.p2 !== 0x80) {
    return { state, sw: SW.WRONG_P1P2, does, why: { ja: 'このカードの署名コマンドは 80 2A 00 80 です。', en: "This card's signing command is 80 2A 00 80." } };
  }
  if (!ef || ef.kind !== 'private-key') {
    return {
      state,
      sw: SW.NO_CURRENT_EF,
      does,
      why: { ja: `秘密鍵のEFが選択されていません(選択中: ${ef ? efName(ef).ja : apName(state.ap).ja})。利用者証明用は0017、署名用は001AをSELECTしてください。`, en: `No private-key EF is selected (selected: ${ef ? efName(ef).en : apName(state.ap).en}). SELECT 0017 (authentication) or 001A (signing).` },
    };
  }
  if (!state.verified.includes(ef.requires)) {
    return {
      state,
      sw: SW.SECURITY_NOT_SATISFIED,
      does,
      why: {
        ja: `このカードセッションで${SLOT_NAMES[ef.requires].ja}のVERIFYが成功していません。照合状態は、リセット・アプリの再選択・カードの取り外し・${settings.idleSeconds}秒の無操作で消えます。ロックではありません。`,
        en: `No successful VERIFY of ${SLOT_NAMES[ef.requires].en} in this card session. The verified state is cleared by a reset, re-selecting the application, removing the card and ${settings.idleSeconds} s without commands. This is not a lock.`,
      },
    };
  }
  if (apdu.data.length === 0 || apdu.data.length > MAX_SIGN_INPUT) {
    return { state, sw: SW.WRONG_LENGTH, does, why: { ja: `署名する入力は1〜${MAX_SIGN_INPUT}バイトです。`, en: `The input to sign is 1 to ${MAX_SIGN_INPUT} bytes.` } };
  }
  const signed = await card.sign(ef.cert, apdu.data);
  if (signed.kind === 'ok') return { state, sw: SW.OK, data: signed.signature, does };
  if (signed.kind === 'absent') return { state, sw: SW.FILE_NOT_FOUND, does };
  return {
    state,
    sw: SW.CONDITIONS_NOT_SATISFIED,
    does,
    why: {
      ja: `このカードの鍵は${signed.algorithm}です。OpenSCのJPKIドライバーはRSA-2048だけに対応しています。keyAlgorithm "RSA-2048" で発行したカードをお使いください。`,
      en: `This card's keys are ${signed.algorithm}; OpenSC's JPKI driver handles RSA-2048 only. Use a card issued with keyAlgorithm "RSA-2048".`,
    },
  };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
