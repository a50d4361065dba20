// Names, in one sentence (Japanese, then English), the difference between what clients showed a person and what
// the card's record says (issue 11; the seed story: "locked" for months, nothing ever locked). Pure: the reports,
// the card's whole event history and the slots' states come in; the sentence and its figures go out.

import { jstDate } from './card-validity.js';
import {
  classifyReport,
  codeShownByEvent,
  eventsNear,
  type ClientCause,
  type ClientReportRecord,
  type EventForComparison,
  type ReportClass,
} from './client-report.js';
import { SLOT_SPECS } from './pin-slot.js';

type Text = Readonly<{ ja: string; en: string }>;

export type ReportTally = Readonly<Record<ReportClass, number>>;

export type ExplanationKind =
  | 'client_cause'
  | 'never_reached'
  | 'format'
  | 'tries_left'
  | 'other_slot_locked'
  | 'certificate'
  | 'card'
  | 'risk_hold'
  | 'other_refusal';

export type ClientMismatch = Readonly<{
  /** The app and version with the most mismatched reports: the one the sentence names. */
  app: string;
  appVersion: string;
  shownCode: string;
  /** Mismatched reports of that app, version and code. */
  count: number;
  /** Mismatched reports of any other app, version or code. */
  others: number;
  since: Date;
  explanation: ExplanationKind;
  text: Text;
}>;

export type ClientReportSummary = Readonly<{ tally: ReportTally; mismatch: ClientMismatch | null }>;

/** What the person was shown, as words (the noun is for "…shows X as a lock"). */
const SHOWN: Readonly<Record<string, { ja: string; en: string; noun: string }>> = {
  PIN_LOCKED: { ja: 'ロック', en: 'locked', noun: 'a lock' },
  PIN_INCORRECT: { ja: '暗証番号の誤り', en: 'wrong PIN', noun: 'a wrong PIN' },
  PIN_FORMAT: { ja: '入力形式の誤り', en: 'malformed PIN', noun: 'a malformed PIN' },
  CERT_EXPIRED: { ja: '電子証明書の期限切れ', en: 'certificate expired', noun: 'an expired certificate' },
  CERT_REVOKED: { ja: '電子証明書の失効', en: 'certificate revoked', noun: 'a revoked certificate' },
  CERT_SUSPENDED: { ja: '電子証明書の一時保留', en: 'certificate suspended', noun: 'a suspended certificate' },
  CARD_SUSPENDED: { ja: 'カードの一時停止', en: 'card suspended', noun: 'a suspended card' },
  CARD_REVOKED: { ja: 'カードの廃止', en: 'card revoked', noun: 'a revoked card' },
  CARD_EXPIRED: { ja: 'カードの期限切れ', en: 'card expired', noun: 'an expired card' },
  RISK_HOLD: { ja: 'セキュリティ上の保留', en: 'security hold', noun: 'a security hold' },
  CARD_REJECTED: { ja: 'カードを確認できない', en: 'card not recognised', noun: 'an unrecognised card' },
};
const shownName = (code: string) => SHOWN[code] ?? { ja: 'エラー', en: 'an error', noun: 'an error' };

const CAUSES: Readonly<Record<ClientCause, Text>> = {
  nfc_read_failed: { ja: 'NFCの読み取り失敗', en: 'a failed NFC read' },
  network_error: { ja: '通信エラー', en: 'a network error' },
  timeout: { ja: '応答の時間切れ', en: 'a timeout' },
  card_not_presented: { ja: 'カードがかざされていない状態', en: 'a card that was never presented' },
  other: { ja: 'アプリ内部のエラー', en: 'an error inside the app' },
};

const CERT_EVENT: Readonly<Record<string, Text>> = {
  CERT_EXPIRED: { ja: '電子証明書の期限切れ', en: 'an expired certificate' },
  CERT_REVOKED: { ja: '電子証明書の失効', en: 'a revoked certificate' },
  CERT_SUSPENDED: { ja: '電子証明書の一時保留', en: 'a suspended certificate' },
  CARD_EXPIRED: { ja: 'カードの期限切れ', en: 'an expired card' },
  CARD_REVOKED: { ja: 'カードの廃止', en: 'a revoked card' },
  CARD_SUSPENDED: { ja: 'カードの一時停止', en: 'a suspended card' },
};

type Group = { app: string; appVersion: string; shownCode: string; reports: ClientReportRecord[] };

function mostCommon<T>(values: readonly T[]): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let n = 0;
  for (const [v, c] of counts) if (c > n) [best, n] = [v, c];
  return best;
}

/**
 * Why the record disagrees, from the client's own account when it gave one, else from what the card answered at
 * those times (DOMAIN.md §3's known ways: another slot locked, a certificate problem, a malformed entry, tries left)
 * or, when nothing reached the card at all, a failure on the client's side.
 */
function explain(group: Group, events: ReadonlyArray<EventForComparison>): { kind: ExplanationKind; text: Text } {
  const cause = mostCommon(group.reports.map((r) => r.clientCause).filter((c): c is ClientCause => c !== null));
  if (cause) return { kind: 'client_cause', text: CAUSES[cause] };
  // Every event near a report, whatever slot (the client may have named one and the card answered for another).
  const near = group.reports.flatMap((r) => eventsNear(events, { ...r, slot: null }));
  // The same code on another slot than the one the client named: a different PIN was the locked (or wrong) one.
  const otherSlot = near.find((e) => codeShownByEvent(e) === group.shownCode && group.reports.some((r) => r.slot !== null && r.slot !== e.slot));
  const codes = near.map(codeShownByEvent).filter((c): c is string => c !== null && (c !== group.shownCode || otherSlot !== undefined));
  const code = mostCommon(codes);
  if (code === null) return { kind: 'never_reached', text: { ja: 'カードまで届かなかった失敗（NFCの読み取り失敗など）', en: 'a failure that never reached the card (such as a failed NFC read)' } };
  if (code === 'PIN_FORMAT') return { kind: 'format', text: { ja: '形式の誤りで照合されなかった入力（回数は減っていません）', en: 'a malformed entry that was never checked and spent no try' } };
  if (code === 'PIN_INCORRECT') return { kind: 'tries_left', text: { ja: '残り回数のある暗証番号の誤り', en: 'a wrong PIN with tries still left' } };
  if (code === 'PIN_LOCKED') {
    const slot = near.find((e) => codeShownByEvent(e) === 'PIN_LOCKED')?.slot ?? null;
    const name = slot ? { ja: SLOT_SPECS[slot].nameJa, en: `the ${SLOT_SPECS[slot].nameEn}` } : { ja: '別の暗証番号', en: 'another PIN' };
    return { kind: 'other_slot_locked', text: { ja: `別の暗証番号（${name.ja}）のロック`, en: `a lock of a different PIN (${name.en})` } };
  }
  if (code.startsWith('CERT_')) return { kind: 'certificate', text: CERT_EVENT[code] ?? { ja: '電子証明書の問題', en: 'a certificate problem' } };
  if (code.startsWith('CARD_')) return { kind: 'card', text: CERT_EVENT[code] ?? { ja: 'カードの問題', en: 'a card problem' } };
  if (code === 'RISK_HOLD') return { kind: 'risk_hold', text: { ja: 'セキュリティ上の保留（カードのロックではありません）', en: 'a security hold (not a card lock)' } };
  return { kind: 'other_refusal', text: { ja: `別の理由による拒否（${code}）`, en: `a refusal for another reason (${code})` } };
}

function truth(group: Group, events: ReadonlyArray<EventForComparison>): Text {
  if (group.shownCode === 'PIN_LOCKED') {
    const everLocked = events.some((e) => codeShownByEvent(e) === 'PIN_LOCKED');
    return everLocked
      ? { ja: '表示された時点でロックされていた暗証番号はなく', en: 'no slot was locked at those times' }
      : { ja: 'このカードの暗証番号は一度もロックされておらず', en: "the card's slots were never locked" };
  }
  const s = shownName(group.shownCode);
  return { ja: `このカードの記録にはその時点で「${s.ja}」にあたる応答はなく`, en: `the card's record shows no “${s.en}” at those times` };
}

/**
 * Sets a card's client reports beside its history. `events` is the card's whole history (any order). Returns the
 * tally by class and, when any report disagrees, one sentence naming the mismatch.
 */
export function compareClientReports(reports: ReadonlyArray<ClientReportRecord>, events: ReadonlyArray<EventForComparison>): ClientReportSummary {
  const tally: Record<ReportClass, number> = { agrees: 0, mismatch: 0, outage: 0, unverifiable: 0 };
  const groups: Group[] = [];
  for (const r of reports) {
    const cls = classifyReport(r, events);
    tally[cls] += 1;
    if (cls !== 'mismatch') continue;
    let g = groups.find((x) => x.app === r.app && x.appVersion === r.appVersion && x.shownCode === r.shownCode);
    if (!g) groups.push((g = { app: r.app, appVersion: r.appVersion, shownCode: r.shownCode, reports: [] }));
    g.reports.push(r);
  }
  if (groups.length === 0) return { tally, mismatch: null };
  // The largest group; ties go to the one seen first (reports arrive newest first from the store, so the newest).
  const group = groups.reduce((best, g) => (g.reports.length > best.reports.length ? g : best));
  const since = new Date(Math.min(...group.reports.map((r) => r.receivedAt.getTime())));
  const others = tally.mismatch - group.reports.length;
  const shown = shownName(group.shownCode);
  const why = explain(group, events);
  const t = truth(group, events);
  const label = `${group.app} ${group.appVersion}`;
  const day = jstDate(since);
  const n = group.reports.length;
  const more = others === 0 ? { ja: '', en: '' } : { ja: `（ほかのアプリや表示でも${others}回）`, en: ` (and ${others} more ${others === 1 ? 'time' : 'times'} in other apps or messages)` };
  const text = {
    ja: `アプリ「${label}」は${day}以降に${n}回「${shown.ja}」と表示しました${more.ja}が、${t.ja}、このアプリは${why.text.ja}を「${shown.ja}」として表示しています。`,
    en: `The app ${label} showed “${shown.en}” ${n} ${n === 1 ? 'time' : 'times'} since ${day}${more.en}; ${t.en}; ${label} shows ${why.text.en} as ${shown.noun}.`,
  };
  return { tally, mismatch: { app: group.app, appVersion: group.appVersion, shownCode: group.shownCode, count: n, others, since, explanation: why.kind, text } };
}

