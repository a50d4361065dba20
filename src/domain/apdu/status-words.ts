// Status words the virtual JPKI card answers with (ISO/IEC 7816-4 §5.6 and jpki-apdu §2). Never 61xx or 6Cxx:
// the JPKI tools treat anything but 9000 as an error (jpki-apdu §2 READ BINARY).

export const SW = {
  OK: 0x9000,
  /** 63 Cx: x tries left; the empty VERIFY and a wrong PIN. */
  triesLeft: (n: number) => 0x63c0 | Math.max(0, Math.min(15, n)),
  /** Execution error, non-volatile memory unchanged: Kagiya could not answer (nothing was spent). */
  MEMORY_UNCHANGED: 0x6400,
  WRONG_LENGTH: 0x6700,
  /** Command incompatible with file structure: e.g. a PIN sent to a certificate EF. */
  INCOMPATIBLE_FILE: 0x6981,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_UNUSABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** Command not allowed (no current EF). */
  NO_CURRENT_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  /** Wrong parameters P1-P2: offset outside the EF. */
  OFFSET_OUTSIDE: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_DIAGNOSIS: 0x6f00,
} as const;

/** The word a VERIFY answers when the PIN is already blocked. Sources disagree (jpki-facts §9); a setting. */
export type BlockedStatusWord = '6983' | '6984';
/**
 * 6983 by default: OpenSC reports it as CKR_PIN_LOCKED, the truth; 6984 (what jpki/myna expects) becomes a
 * general error in OpenSC, which hides the lock from the application (jpki-apdu §2 Results).
 */
export const DEFAULT_BLOCKED_SW: BlockedStatusWord = '6983';
export const blockedWord = (setting: BlockedStatusWord): number => (setting === '6984' ? SW.REFERENCE_DATA_UNUSABLE : SW.AUTH_METHOD_BLOCKED);

export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');

type Text = Readonly<{ ja: string; en: string }>;

/** What a status word means, in plain words (the trace's second line). */
export function describeStatusWord(sw: number): Text {
  if ((sw & 0xfff0) === 0x63c0) {
    const n = sw & 0x0f;
    return n === 0
      ? { ja: '残り0回: この暗証番号はロックされています(このVERIFYで使い切ったか、既にロック)', en: '0 tries left: this PIN is locked (used up by this VERIFY, or already locked)' }
      : { ja: `暗証番号の残り回数 ${n} 回`, en: `${n} ${n === 1 ? 'try' : 'tries'} left` };
  }
  const table: Record<number, Text> = {
    [SW.OK]: { ja: '正常終了', en: 'success' },
    [SW.MEMORY_UNCHANGED]: { ja: '実行エラー(カードの状態は変わっていません)', en: 'execution error (nothing on the card changed)' },
    [SW.WRONG_LENGTH]: { ja: 'データ長が正しくありません', en: 'wrong length' },
    [SW.INCOMPATIBLE_FILE]: { ja: '選択中のファイルではこのコマンドは使えません', en: 'command incompatible with the selected file' },
    [SW.SECURITY_NOT_SATISFIED]: { ja: 'セキュリティ条件を満たしていません(暗証番号の照合が必要)', en: 'security status not satisfied (a PIN must be verified first)' },
    [SW.AUTH_METHOD_BLOCKED]: { ja: '認証方法がブロックされています(暗証番号ロック)', en: 'authentication method blocked (PIN locked)' },
    [SW.REFERENCE_DATA_UNUSABLE]: { ja: '参照データが使用できません(暗証番号ロック)', en: 'reference data not usable (PIN locked)' },
    [SW.CONDITIONS_NOT_SATISFIED]: { ja: '使用条件を満たしていません', en: 'conditions of use not satisfied' },
    [SW.NO_CURRENT_EF]: { ja: 'ファイルが選択されていません', en: 'command not allowed: no file selected' },
    [SW.WRONG_DATA]: { ja: 'データが正しくありません', en: 'incorrect data' },
    [SW.FUNCTION_NOT_SUPPORTED]: { ja: 'この機能には対応していません', en: 'function not supported' },
    [SW.FILE_NOT_FOUND]: { ja: 'ファイルまたはアプリケーションが見つかりません', en: 'file or application not found' },
    [SW.WRONG_P1P2]: { ja: 'P1-P2が正しくありません', en: 'incorrect P1-P2' },
    [SW.OFFSET_OUTSIDE]: { ja: 'オフセットがファイルの範囲外です', en: 'offset outside the file' },
    [SW.INS_NOT_SUPPORTED]: { ja: 'この命令には対応していません', en: 'instruction not supported' },
    [SW.CLA_NOT_SUPPORTED]: { ja: 'このクラスには対応していません', en: 'class not supported' },
    [SW.NO_DIAGNOSIS]: { ja: '詳細不明のエラー', en: 'no precise diagnosis' },
  };
  return table[sw] ?? { ja: '不明なステータスワード', en: 'unknown status word' };
}
