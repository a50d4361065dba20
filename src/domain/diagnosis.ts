// The counter's answer to "why can't this person log in?" (DOMAIN.md §3; seeds/000).
// In the seed story an app said "locked" for months and the counter found nothing locked; nobody could say why.
// DOMAIN.md §3 lists the known ways that happens: a different slot locked, an expired or revoked certificate
// shown as a lock, tries drained by failed reads or by another service, a lowercase signing password, and the
// client itself. This module tells them apart from what the system recorded, in one verdict plus every other
// fact found, in Japanese first and English second.

import { jstDate } from './card-validity.js';
import type { ClientMismatch } from './client-mismatch.js';
import { cardState } from './card.js';
import type { CardStatus, CertStatus, SlotState } from './card.js';
import { PIN_SLOTS, SLOT_SPECS } from './pin-slot.js';
import type { CertKind, PinSlot } from './pin-slot.js';
import { riskRuleText } from './risk-text.js';

type Text = Readonly<{ ja: string; en: string }>;

export type AttemptResult = 'success' | 'incorrect' | 'refused' | 'done' | 'held' | 'released';

/** One recorded card event (the app's CardEvent, less what the diagnosis does not need). */
export type AttemptRecord = Readonly<{
  occurredAt: Date;
  operation: string;
  slot: PinSlot | null;
  result: AttemptResult;
  code: string | null;
  channel: string | null;
  service: string | null;
  terminal: string | null;
}>;

export type CardReading = Readonly<{ status: CardStatus; expiresAt: Date; statusChangedAt: Date | null; statusReason: string | null }>;
export type CertReading = Readonly<{ status: CertStatus; notAfter: Date; statusChangedAt: Date | null; revocationReason: string | null }>;

export type DiagnosisInput = Readonly<{
  card: CardReading;
  /** null: the card has no such slot. */
  slots: Readonly<Record<PinSlot, SlotState | null>>;
  /** null: no such certificate on the card (under-15s and adult wards have no signing certificate: DOMAIN.md §2). */
  certificates: Readonly<Record<CertKind, CertReading | null>>;
  /** Newest first, as the event list returns them (re-sorted here all the same). */
  attempts: ReadonlyArray<AttemptRecord>;
  now: Date;
  /**
   * Someone reports that they cannot use the card (the counter's case, and the default). When nothing is wrong in
   * our records, a complaint means the refusal came from the client (CLIENT_SIDE); without one, HEALTHY.
   */
  complaint?: boolean;
  /** What clients showed that the record contradicts (client-mismatch.ts), when any client reported a refusal. */
  clientMismatch?: ClientMismatch | null;
  /** The card's active risk hold, if any (domain/risk.ts): a hold on online use, never a PIN lock. */
  riskHold?: Readonly<{ heldAt: Date; rule: string; figures: Readonly<Record<string, unknown>> }> | null;
}>;

/** In priority order: the first that applies explains the refusal. */
export const VERDICT_CODES = [
  'CARD_REVOKED',
  'CARD_SUSPENDED',
  'CARD_EXPIRED',
  'PIN_LOCKED',
  'CERT_REVOKED',
  'CERT_SUSPENDED',
  'CERT_EXPIRED',
  'RISK_HOLD',
  'TRIES_LOW',
  'CLIENT_MISMATCH',
  'CLIENT_SIDE',
  'HEALTHY',
] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

export type FindingCode =
  | 'CARD_REVOKED'
  | 'CARD_SUSPENDED'
  | 'CARD_EXPIRED'
  | 'PIN_LOCKED'
  | 'KIOSK_RESET_POSSIBLE'
  | 'CERT_REVOKED'
  | 'CERT_SUSPENDED'
  | 'CERT_EXPIRED'
  | 'CERT_ABSENT'
  | 'RISK_HOLD'
  | 'TRIES_LOW'
  | 'FORMAT_REFUSALS'
  | 'REFUSALS'
  | 'CLIENT_MISMATCH';

/** `slot` names the PIN slot or, for certificate findings, the certificate (same ids); null for the card. */
export type Finding = Readonly<{ code: FindingCode; slot: PinSlot | null; text: Text }>;

/** Outstanding failures (since the slot's last success or re-set) from one place. */
export type SourceFailures = Readonly<{
  channel: string | null;
  service: string | null;
  terminal: string | null;
  slot: PinSlot;
  /** Wrong PINs. */
  failures: number;
  lastAt: Date;
}>;

export type Diagnosis = Readonly<{
  code: VerdictCode;
  text: Text;
  /** Every fact found, in priority order, the verdict's own included. */
  findings: ReadonlyArray<Finding>;
  lastSuccess: Date | null;
  failuresBySource: ReadonlyArray<SourceFailures>;
}>;

/**
 * Operations that write a PIN and restore the slot's counter, as recorded with result 'done'. Failures before one of
 * these no longer count. Other 'done' events on a slot (revoke_sign_certificate) restore nothing.
 */
export const PIN_WRITE_OPERATIONS: ReadonlySet<string> = new Set(['pin_set', 'counter_reset', 'kiosk_reset']);

// ---------------------------------------------------------------------------------------------------------------
// Names

const CHANNEL_NAMES: Readonly<Record<string, Text>> = {
  smartphone: { ja: 'スマートフォン', en: 'the smartphone app' },
  pc: { ja: 'パソコン', en: 'a PC' },
  kiosk: { ja: 'コンビニ等の端末', en: 'a convenience-store kiosk' },
  counter: { ja: '窓口', en: 'the municipal counter' },
  clinic: { ja: '医療機関', en: 'a clinic' },
  'ic-reader': { ja: 'ICカードリーダー', en: 'an IC card reader' },
  other: { ja: 'その他', en: 'another channel' },
};

const SERVICE_NAMES: Readonly<Record<string, Text>> = {
  'e-tax': { ja: 'e-Tax', en: 'e-Tax' },
  mynaportal: { ja: 'マイナポータル', en: 'Mynaportal' },
  'konbini-certificates': { ja: 'コンビニ交付', en: 'convenience-store certificates' },
  'health-insurance': { ja: 'マイナ保険証', en: 'health-insurance check' },
};

const CERT_NAMES: Readonly<Record<CertKind, Text>> = {
  auth: { ja: '利用者証明用電子証明書', en: 'the user-authentication certificate' },
  sign: { ja: '署名用電子証明書', en: 'the signing certificate' },
};

const REFUSAL_NAMES: Readonly<Record<string, Text>> = {
  PIN_LOCKED: { ja: 'ロック中', en: 'the PIN already locked (it was not checked)' },
  CERT_REVOKED: { ja: '電子証明書の失効', en: 'the certificate revoked' },
  CERT_EXPIRED: { ja: '電子証明書の期限切れ', en: 'the certificate expired' },
  CERT_SUSPENDED: { ja: '電子証明書の一時保留', en: 'the certificate suspended' },
  CARD_REVOKED: { ja: 'カードの廃止', en: 'the card revoked' },
  CARD_SUSPENDED: { ja: 'カードの一時停止', en: 'the card suspended' },
  CARD_EXPIRED: { ja: 'カードの期限切れ', en: 'the card expired' },
  PIN_SLOT_ABSENT: { ja: 'この暗証番号がカードにない', en: 'no such PIN on the card' },
  RISK_HOLD: { ja: 'セキュリティ上の保留', en: 'a security hold' },
  SERVICE_BUSY: { ja: 'システムの混雑（こちら側の問題）', en: 'our system being busy (our problem)' },
  SERVICE_UNAVAILABLE: { ja: 'システムの一時停止（こちら側の問題）', en: 'our system being unavailable (our problem)' },
};

function channelName(channel: string | null): Text {
  if (channel === null) return { ja: '経路不明', en: 'an unrecorded channel' };
  return CHANNEL_NAMES[channel] ?? { ja: channel, en: channel };
}

function sourceName(channel: string | null, service: string | null): Text {
  const c = channelName(channel);
  if (service === null) return c;
  const s = SERVICE_NAMES[service.toLowerCase()] ?? { ja: service, en: service };
  return { ja: `${c.ja}（${s.ja}）`, en: `${c.en} (${s.en})` };
}

/** An instant to the minute, in Japan time, labelled as such. */
function jstMinute(instant: Date): Text {
  const iso = new Date(instant.getTime() + 9 * 3_600_000).toISOString();
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return { ja: `${text}（日本時間）`, en: `${text} JST` };
}

function day(instant: Date | null): Text {
  return instant ? { ja: jstDate(instant), en: jstDate(instant) } : { ja: '日付不明', en: 'an unknown date' };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function slotName(slot: PinSlot): Text {
  return { ja: SLOT_SPECS[slot].nameJa, en: `the ${SLOT_SPECS[slot].nameEn}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the attempt history

type SourceGroup = { channel: string | null; service: string | null; count: number };

type SlotHistory = {
  /** Wrong PINs since the last success or re-set, oldest first. */
  incorrect: AttemptRecord[];
  formatRefusals: AttemptRecord[];
  otherRefusals: AttemptRecord[];
};

function restoresCounter(a: AttemptRecord): boolean {
  return a.result === 'success' || (a.result === 'done' && PIN_WRITE_OPERATIONS.has(a.operation));
}

// Failures count consecutively per slot until a correct PIN or a re-set restores the counter (DOMAIN.md §1), so
// only what follows the slot's newest restoring event is outstanding.
function slotHistory(newestFirst: ReadonlyArray<AttemptRecord>, slot: PinSlot): SlotHistory {
  const window: AttemptRecord[] = [];
  for (const a of newestFirst) {
    if (a.slot !== slot) continue;
    if (restoresCounter(a)) break;
    window.push(a);
  }
  window.reverse();
  return {
    incorrect: window.filter((a) => a.result === 'incorrect'),
    formatRefusals: window.filter((a) => a.result === 'refused' && a.code === 'PIN_FORMAT'),
    otherRefusals: window.filter((a) => a.result === 'refused' && a.code !== 'PIN_FORMAT'),
  };
}

// Grouped by channel and service in the order they first appear (oldest first), so the text reads as it happened.
function bySource(attempts: ReadonlyArray<AttemptRecord>): SourceGroup[] {
  const groups: SourceGroup[] = [];
  for (const a of attempts) {
    const group = groups.find((g) => g.channel === a.channel && g.service === a.service);
    if (group) group.count += 1;
    else groups.push({ channel: a.channel, service: a.service, count: 1 });
  }
  return groups;
}

function sourcesList(attempts: ReadonlyArray<AttemptRecord>): Text {
  const groups = bySource(attempts).map((g) => sourceName(g.channel, g.service));
  return { ja: groups.map((g) => g.ja).join('、'), en: groups.map((g) => g.en).join(' and ') };
}

function failuresPhrase(incorrect: ReadonlyArray<AttemptRecord>): Text | null {
  if (incorrect.length === 0) return null;
  const groups = bySource(incorrect);
  if (groups.length === 1) {
    const g = groups[0]!;
    const src = sourceName(g.channel, g.service);
    return { ja: `${src.ja}で${g.count}回連続して誤り`, en: `${plural(g.count, 'failure', 'failures')} through ${src.en}` };
  }
  const ja = groups.map((g) => `${sourceName(g.channel, g.service).ja}で${g.count}回`).join('、');
  const en = groups.map((g) => `${g.count} through ${sourceName(g.channel, g.service).en}`).join(', ');
  return { ja: `${ja}、計${incorrect.length}回連続して誤り`, en: `${incorrect.length} failures (${en})` };
}

function spentPhrase(h: SlotHistory): Text | null {
  return failuresPhrase(h.incorrect);
}

function failuresBySource(histories: Readonly<Record<PinSlot, SlotHistory>>): SourceFailures[] {
  const rows: Array<{ channel: string | null; service: string | null; terminal: string | null; slot: PinSlot; failures: number; lastAt: Date }> = [];
  for (const slot of PIN_SLOTS) {
    for (const a of histories[slot].incorrect) {
      let row = rows.find((r) => r.slot === slot && r.channel === a.channel && r.service === a.service && r.terminal === a.terminal);
      if (!row) {
        row = { channel: a.channel, service: a.service, terminal: a.terminal, slot, failures: 0, lastAt: a.occurredAt };
        rows.push(row);
      }
      row.failures += 1;
      if (a.occurredAt.getTime() > row.lastAt.getTime()) row.lastAt = a.occurredAt;
    }
  }
  return rows.sort((x, y) => y.lastAt.getTime() - x.lastAt.getTime());
}

// ---------------------------------------------------------------------------------------------------------------
// Sentences

function lastSuccessPhrase(success: AttemptRecord | null): Text {
  if (!success) return { ja: '正しく入力された記録はありません', en: 'no successful entry on record' };
  // To the minute: the attempt table lists entries by the minute, and a day alone would hide wrong entries made
  // earlier that same day (issue #6).
  const at = jstMinute(success.occurredAt);
  // Logging in is the auth slot (DOMAIN.md §5); any other success is named by its slot.
  if (success.slot === 'auth' || success.slot === null) return { ja: `最後に正常にログインしたのは${at.ja}です`, en: `last successful login ${at.en}` };
  return {
    ja: `最後に暗証番号が正しく入力されたのは${at.ja}です（${SLOT_SPECS[success.slot].nameJa}）`,
    en: `last successful PIN entry ${at.en} (${SLOT_SPECS[success.slot].nameEn})`,
  };
}

/**
 * What the record says about wrong PINs, in words that agree with the attempt table: to the minute, and naming the
 * last wrong entry when there is one after the last success (issue #6: "none since 2026-12-02" beside two that day).
 */
function wrongEntriesPhrase(newestFirst: readonly AttemptRecord[], lastSuccess: AttemptRecord | null): Text {
  const lastWrong = newestFirst.find((a) => a.result === 'incorrect') ?? null;
  if (!lastWrong) return { ja: '誤った暗証番号の入力は記録されていません', en: 'no wrong PIN is on record' };
  if (lastSuccess && lastWrong.occurredAt.getTime() < lastSuccess.occurredAt.getTime()) {
    const at = jstMinute(lastSuccess.occurredAt);
    return { ja: `${at.ja}の正しい入力より後に、誤った暗証番号の入力は記録されていません`, en: `no wrong PIN has been recorded after that successful entry at ${at.en}` };
  }
  const at = jstMinute(lastWrong.occurredAt);
  const slot = lastWrong.slot ? slotName(lastWrong.slot) : { ja: '暗証番号', en: 'a PIN' };
  return { ja: `最後の誤った入力は${at.ja}（${slot.ja}）です`, en: `the last wrong entry was at ${at.en} (${slot.en})` };
}

function reasonText(reason: string | null): Text | null {
  if (reason === null || reason.trim() === '') return null;
  const r = reason.toLowerCase();
  if (r.includes('address') || r.includes('move') || reason.includes('住所') || reason.includes('転居')) return { ja: '転居', en: 'moving' };
  if (r.includes('name') || reason.includes('氏名')) return { ja: '氏名の変更', en: 'a change of name' };
  const how = r.includes('phone') || reason.includes('電話') ? { ja: '（電話）', en: ' by phone' } : { ja: '', en: '' };
  if (r.includes('lost') || r.includes('loss') || reason.includes('紛失')) return { ja: `紛失の届出${how.ja}`, en: `a loss reported${how.en}` };
  if (r.includes('stolen') || r.includes('theft') || reason.includes('盗')) return { ja: `盗難の届出${how.ja}`, en: `a theft reported${how.en}` };
  if (r.includes('found') || reason.includes('発見')) return { ja: 'カードの発見', en: 'the card was found' };
  if (r.includes('reissue') || reason.includes('再交付')) return { ja: '再交付', en: 'a new card was issued' };
  if (r.includes('return') || reason.includes('返納')) return { ja: 'カードの返納', en: 'the card was returned' };
  if (r.includes('death') || r.includes('deceased') || reason.includes('死亡')) return { ja: '死亡', en: "the holder's death" };
  if (r.includes('request') || reason.includes('申出') || reason.includes('申し出')) return { ja: '本人の申出', en: "the holder's request" };
  // Free text typed by staff: shown as their note, quoted, in whatever language they wrote it.
  return { ja: `職員の記録「${reason}」`, en: `staff note: "${reason}"` };
}

function certProblem(kind: CertKind, cert: CertReading, state: 'revoked' | 'suspended' | 'expired'): { short: Text; finding: Text } {
  const name = CERT_NAMES[kind];
  if (state === 'revoked') {
    const reason = reasonText(cert.revocationReason);
    const when = day(cert.statusChangedAt);
    const short = reason
      ? { ja: `${name.ja}は${reason.ja}により失効しています。窓口で新しい電子証明書の発行を申請してください。`, en: `${name.en} was revoked on ${reason.en} — renew it` }
      : { ja: `${name.ja}は${when.ja}に失効しています。窓口で新しい電子証明書の発行を申請してください。`, en: `${name.en} was revoked on ${when.en} — renew it` };
    const finding = {
      ja: `${name.ja}は${when.ja}に失効しています${reason ? `（理由：${reason.ja}）` : ''}。暗証番号のロックではありません。`,
      en: `${capitalise(name.en)} was revoked on ${when.en}${reason ? ` (reason: ${reason.en})` : ''}. This is not a PIN lock.`,
    };
    return { short, finding };
  }
  if (state === 'suspended') {
    const when = day(cert.statusChangedAt);
    return {
      short: {
        ja: `${name.ja}は一時保留されています。カードが見つかった場合は窓口で一時保留の解除を申請してください。`,
        en: `${name.en} is suspended — if the card was reported lost and has been found, have the suspension lifted at the counter`,
      },
      finding: {
        ja: `${name.ja}は${when.ja}から一時保留されています。暗証番号のロックではありません。`,
        en: `${capitalise(name.en)} has been suspended since ${when.en}. This is not a PIN lock.`,
      },
    };
  }
  const until = day(cert.notAfter);
  return {
    short: {
      ja: `${name.ja}の有効期限（${until.ja}）が切れています。窓口で更新してください（手数料はかかりません）。`,
      en: `${name.en} expired on ${until.en} — renew it at the counter (free)`,
    },
    finding: {
      ja: `${name.ja}の有効期限は${until.ja}までで、切れています。暗証番号のロックではありません。`,
      en: `${capitalise(name.en)} expired on ${until.en}. This is not a PIN lock.`,
    },
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function certState(cert: CertReading | null, now: Date): 'valid' | 'revoked' | 'suspended' | 'expired' | 'absent' {
  if (!cert) return 'absent';
  if (cert.status !== 'valid') return cert.status;
  return cert.notAfter.getTime() <= now.getTime() ? 'expired' : 'valid';
}

// ---------------------------------------------------------------------------------------------------------------
// The diagnosis

/** Explains a refusal from the card's state and its recorded attempts. Pure: `now` is the only clock. */
export function diagnose(input: DiagnosisInput): Diagnosis {
  const { card, slots, certificates, now } = input;
  // Stable sort: events with the same instant keep the order they were given in.
  const newestFirst = [...input.attempts].sort((x, y) => y.occurredAt.getTime() - x.occurredAt.getTime());
  const histories = Object.fromEntries(PIN_SLOTS.map((slot) => [slot, slotHistory(newestFirst, slot)])) as Record<PinSlot, SlotHistory>;
  const lastSuccessAttempt = newestFirst.find((a) => a.result === 'success') ?? null;
  const lastSuccess = lastSuccessAttempt ? new Date(lastSuccessAttempt.occurredAt.getTime()) : null;
  const findings: Finding[] = [];
  const verdicts: Array<{ code: VerdictCode; text: Text }> = [];

  // 1. The card itself: nothing else matters while it cannot be used at all.
  const cardNow = cardState(card.status, card.expiresAt, now);
  if (cardNow !== 'active') {
    const reason = reasonText(card.statusReason);
    const since = day(card.statusChangedAt);
    const why = reason ? { ja: `（理由：${reason.ja}）`, en: ` (${reason.en})` } : { ja: '', en: '' };
    const text: Record<'revoked' | 'suspended' | 'expired', Text> = {
      revoked: {
        ja: `このカードは${since.ja}に廃止されています${why.ja}。暗証番号のロックではありません。再交付については窓口にお問い合わせください。`,
        en: `The card was revoked on ${since.en}${why.en}. This is not a PIN lock; ask the municipal counter about a new card.`,
      },
      suspended: {
        ja: `このカードは${since.ja}から一時停止されています${why.ja}。暗証番号のロックではありません。紛失の届出をしたカードが見つかった場合は、窓口で一時停止の解除を申請してください。`,
        en: `The card has been suspended since ${since.en}${why.en}. This is not a PIN lock; if it was reported lost and has been found, have the suspension lifted at the counter.`,
      },
      expired: {
        ja: `このカードの有効期限は${day(card.expiresAt).ja}までで、切れています。暗証番号のロックではありません。窓口でカードの更新手続きをしてください。`,
        en: `The card expired on ${day(card.expiresAt).en}. This is not a PIN lock; renew the card at the municipal counter.`,
      },
    };
    const code = cardNow === 'revoked' ? 'CARD_REVOKED' : cardNow === 'suspended' ? 'CARD_SUSPENDED' : 'CARD_EXPIRED';
    findings.push({ code, slot: null, text: text[cardNow] });
    verdicts.push({ code, text: text[cardNow] });
  }

  // 2. Locks: every locked slot, named, with when and through what (DOMAIN.md §3: "a different slot was locked").
  const locked = PIN_SLOTS.filter((slot) => (slots[slot]?.remaining ?? 1) <= 0);
  const lockSentences: Text[] = [];
  for (const slot of locked) {
    const h = histories[slot];
    const at = slots[slot]?.lockedAt ?? h.incorrect.at(-1)?.occurredAt ?? null;
    const spent = spentPhrase(h) ?? { ja: '誤りの記録は見つかりません', en: 'no failure on record' };
    const sentence = {
      ja: `${slotName(slot).ja}が${day(at).ja}にロックされました（${spent.ja}）。`,
      en: `${capitalise(slotName(slot).en)} locked on ${day(at).en} ${spent.en === 'no failure on record' ? `with ${spent.en}` : `after ${spent.en}`}.`,
    };
    lockSentences.push(sentence);
    findings.push({ code: 'PIN_LOCKED', slot, text: sentence });
  }
  if (locked.length > 0) {
    const text = {
      ja: `${lockSentences.map((s) => s.ja).join('')}ロックされた暗証番号は、正しい暗証番号を入力しても解除されません。窓口で再設定してください（手数料はかかりません）。`,
      en: `${lockSentences.map((s) => s.en).join(' ')} A locked PIN stays locked even when the right PIN is entered; have it reset at the municipal counter (free of charge).`,
    };
    verdicts.push({ code: 'PIN_LOCKED', text });
  }

  // The kiosk resets `sign` or `auth` when the holder knows the other certificate PIN and both certificates are
  // valid (DOMAIN.md §4), which saves a trip to the counter.
  const certStates = { auth: certState(certificates.auth, now), sign: certState(certificates.sign, now) };
  if (cardNow === 'active' && certStates.auth === 'valid' && certStates.sign === 'valid') {
    for (const [slot, other] of [['auth', 'sign'], ['sign', 'auth']] as const) {
      if (locked.includes(slot) && !locked.includes(other)) {
        findings.push({
          code: 'KIOSK_RESET_POSSIBLE',
          slot,
          text: {
            ja: `${slotName(slot).ja}は、${slotName(other).ja}が分かれば、スマートフォンの「JPKI暗証番号リセット」アプリで予約し、コンビニ等の端末でも再設定できます。`,
            en: `${capitalise(slotName(slot).en)} can also be reset at a convenience-store kiosk, booked from the JPKI PIN reset app, by someone who knows ${slotName(other).en}.`,
          },
        });
      }
    }
  }

  // 3. Certificates: an expired or revoked certificate must never be reported as a lock (DOMAIN.md §3).
  const certShort: Record<'revoked' | 'suspended' | 'expired', Text[]> = { revoked: [], suspended: [], expired: [] };
  for (const state of ['revoked', 'suspended', 'expired'] as const) {
    for (const kind of ['auth', 'sign'] as const) {
      const cert = certificates[kind];
      if (!cert || certStates[kind] !== state) continue;
      const { short, finding } = certProblem(kind, cert, state);
      certShort[state].push(short);
      findings.push({ code: state === 'revoked' ? 'CERT_REVOKED' : state === 'suspended' ? 'CERT_SUSPENDED' : 'CERT_EXPIRED', slot: kind, text: finding });
    }
  }
  const success = lastSuccessPhrase(lastSuccessAttempt);
  for (const [state, code] of [['revoked', 'CERT_REVOKED'], ['suspended', 'CERT_SUSPENDED'], ['expired', 'CERT_EXPIRED']] as const) {
    const shorts = certShort[state];
    if (shorts.length === 0) continue;
    verdicts.push({
      code,
      text: {
        ja: `ロックされている暗証番号はありません。${success.ja}。${shorts.map((s) => s.ja).join('')}`,
        en: `Nothing is locked; ${success.en}; ${shorts.map((s) => s.en).join('; ')}.`,
      },
    });
  }
  for (const kind of ['auth', 'sign'] as const) {
    if (certStates[kind] !== 'absent') continue;
    findings.push({
      code: 'CERT_ABSENT',
      slot: kind,
      text: {
        ja: `${CERT_NAMES[kind].ja}は搭載されていません（15歳未満の方などには発行されません）。`,
        en: `${capitalise(CERT_NAMES[kind].en)} is not on the card (it is not issued to under-15s, among others).`,
      },
    });
  }

  // 3b. A risk hold: online use stopped for security, not a lock (DOMAIN.md §3); the counter may release it.
  if (input.riskHold) {
    const why = riskRuleText(input.riskHold.rule, input.riskHold.figures);
    const text = {
      ja: `このカードのオンラインでの利用は、${jstMinute(input.riskHold.heldAt).ja}からセキュリティ上の理由で保留されています（${why.ja}）。暗証番号のロックではなく、残り回数も減っていません。ご本人であることを確認のうえ、この画面で保留を解除できます。ご本人がカードでログインして確認した場合も解除されます。`,
      en: `Online use of this card has been on a security hold since ${jstMinute(input.riskHold.heldAt).en}: ${why.en}. This is not a PIN lock and no try was spent. Once you have confirmed the holder's identity, release the hold here; it is also released when the holder signs in with the card and confirms.`,
    };
    findings.push({ code: 'RISK_HOLD', slot: null, text });
    verdicts.push({ code: 'RISK_HOLD', text });
  }

  // 4. Tries spent but not locked: where they went, including interrupted reads.
  const low = PIN_SLOTS.filter((slot) => {
    const s = slots[slot];
    return s !== null && s.remaining > 0 && s.remaining < s.max;
  });
  const lowSentences: Text[] = [];
  for (const slot of low) {
    const s = slots[slot]!;
    const spent = spentPhrase(histories[slot]) ?? { ja: '誤りの記録は見つかりません', en: 'no failure on record' };
    const sentence = {
      ja: `${slotName(slot).ja}は残り${s.remaining}回です（${spent.ja}）。`,
      en: `${capitalise(slotName(slot).en)} has ${plural(s.remaining, 'try', 'tries')} left of ${s.max} (${spent.en}).`,
    };
    lowSentences.push(sentence);
    findings.push({ code: 'TRIES_LOW', slot, text: sentence });
  }
  if (low.length > 0) {
    verdicts.push({
      code: 'TRIES_LOW',
      text: {
        ja: `ロックされている暗証番号はありません。${lowSentences.map((s) => s.ja).join('')}正しい暗証番号を一度入力すると回数は元に戻ります。暗証番号に自信がない場合は、ロックされる前に窓口で再設定できます。`,
        en: `Nothing is locked. ${lowSentences.map((s) => s.en).join(' ')} One correct entry restores the count; if unsure of the PIN, have it reset at the counter before it locks.`,
      },
    });
  }

  // 5. Entries refused before any try was spent: a malformed PIN (DOMAIN.md §1) and other refusals.
  const formatRefusals: AttemptRecord[] = [];
  for (const slot of PIN_SLOTS) {
    const refusals = histories[slot].formatRefusals;
    if (refusals.length === 0) continue;
    formatRefusals.push(...refusals);
    const src = sourcesList(refusals);
    findings.push({
      code: 'FORMAT_REFUSALS',
      slot,
      text: {
        ja: `${slotName(slot).ja}の入力が${refusals.length}回、形式の誤りとして照合されずに断られています（${src.ja}）。残り回数は減っていません。`,
        en: `${plural(refusals.length, 'entry', 'entries')} for ${slotName(slot).en} through ${src.en} ${refusals.length === 1 ? 'was' : 'were'} refused as malformed without being checked; no try was spent.`,
      },
    });
  }
  for (const slot of PIN_SLOTS) {
    const byCode = new Map<string, AttemptRecord[]>();
    for (const a of histories[slot].otherRefusals) {
      const code = a.code ?? 'UNKNOWN';
      byCode.set(code, [...(byCode.get(code) ?? []), a]);
    }
    for (const [code, refusals] of byCode) {
      const name = REFUSAL_NAMES[code] ?? { ja: 'その他の理由', en: 'another reason' };
      const src = sourcesList(refusals);
      findings.push({
        code: 'REFUSALS',
        slot,
        text: {
          ja: `${slotName(slot).ja}の入力が${refusals.length}回、${name.ja}のため断られています（${src.ja}）。`,
          en: `${plural(refusals.length, 'entry', 'entries')} for ${slotName(slot).en} through ${src.en} ${refusals.length === 1 ? 'was' : 'were'} refused with ${name.en}.`,
        },
      });
    }
  }

  // 6. A client reported showing what the record contradicts (issue 11): named in one sentence, beside the facts.
  const mismatch = input.clientMismatch ?? null;
  if (mismatch) {
    findings.push({ code: 'CLIENT_MISMATCH', slot: null, text: mismatch.text });
    verdicts.push({
      code: 'CLIENT_MISMATCH',
      text: { ja: `${mismatch.text.ja}${success.ja}。`, en: `${mismatch.text.en} ${capitalise(success.en)}.` },
    });
  }

  // 7. Nothing wrong in our records. Someone was still refused, so the refusal came from the client: the seed case.
  if (formatRefusals.length > 0 || (input.complaint ?? true)) {
    const src = sourcesList(formatRefusals);
    const format =
      formatRefusals.length === 0
        ? { ja: '', en: '' }
        : {
            ja: `なお、形式が正しくないため照合されなかった入力が${formatRefusals.length}回あります（${src.ja}）。署名用の暗証番号の小文字や、全角の数字を受け付けないアプリがあります。この入力では残り回数は減っていません。`,
            en: ` ${plural(formatRefusals.length, 'entry', 'entries')} through ${src.en} ${formatRefusals.length === 1 ? 'was' : 'were'} refused as malformed and never checked, so no try was spent: some clients do not accept a lowercase signing password or full-width digits.`,
          };
    const wrong = wrongEntriesPhrase(newestFirst, lastSuccessAttempt);
    verdicts.push({
      code: 'CLIENT_SIDE',
      text: {
        ja: `ロックされている暗証番号はなく、カードと電子証明書にも問題はありません。${success.ja}。${wrong.ja}。「ロックされています」などの表示は、カードではなく、アプリやパソコンのソフトウェアなど利用する側で出たものと考えられます。${format.ja}`,
        en: `Nothing is locked and the card and its certificates are in order; ${success.en}, and ${wrong.en}. A "locked" message came from the app or software in use, not from the card.${format.en}`,
      },
    });
  }
  verdicts.push({
    code: 'HEALTHY',
    text: {
      ja: `カード、電子証明書、暗証番号のいずれにも問題は見つかりませんでした。${success.ja}。`,
      en: `No problem found with the card, its certificates or its PINs; ${success.en}.`,
    },
  });

  const verdict = verdicts[0]!;
  return { code: verdict.code, text: verdict.text, findings, lastSuccess, failuresBySource: failuresBySource(histories) };
}
