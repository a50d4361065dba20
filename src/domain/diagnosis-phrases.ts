// The words of a diagnosis (diagnosis.ts): names of channels, services, certificates and refusals, the reading of a
// slot's attempt history (what is still outstanding since its counter was last restored), and the sentences built from
// them, Japanese first and English second.

import { jstDate } from './card-validity.js';
import { PIN_SLOTS, SLOT_SPECS } from './pin-slot.js';
import type { CertKind, PinSlot } from './pin-slot.js';
import { PIN_WRITE_OPERATIONS } from './diagnosis-types.js';
import type { Text, AttemptRecord, CertReading, SourceFailures } from './diagnosis-types.js';

// ---------------------------------------------------------------------------------------------------------------
// Names

export const CHANNEL_NAMES: Readonly<Record<string, Text>> = {
  smartphone: { ja: 'スマートフォン', en: 'the smartphone app' },
  pc: { ja: 'パソコン', en: 'a PC' },
  kiosk: { ja: 'コンビニ等の端末', en: 'a convenience-store kiosk' },
  counter: { ja: '窓口', en: 'the municipal counter' },
  clinic: { ja: '医療機関', en: 'a clinic' },
  'ic-reader': { ja: 'ICカードリーダー', en: 'an IC card reader' },
  other: { ja: 'その他', en: 'another channel' },
};

export const SERVICE_NAMES: Readonly<Record<string, Text>> = {
  'e-tax': { ja: 'e-Tax', en: 'e-Tax' },
  mynaportal: { ja: 'マイナポータル', en: 'Mynaportal' },
  'konbini-certificates': { ja: 'コンビニ交付', en: 'convenience-store certificates' },
  'health-insurance': { ja: 'マイナ保険証', en: 'health-insurance check' },
};

export const CERT_NAMES: Readonly<Record<CertKind, Text>> = {
  auth: { ja: '利用者証明用電子証明書', en: 'the user-authentication certificate' },
  sign: { ja: '署名用電子証明書', en: 'the signing certificate' },
};

export const REFUSAL_NAMES: Readonly<Record<string, Text>> = {
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

export function channelName(channel: string | null): Text {
  if (channel === null) return { ja: '経路不明', en: 'an unrecorded channel' };
  return CHANNEL_NAMES[channel] ?? { ja: channel, en: channel };
}

export function sourceName(channel: string | null, service: string | null): Text {
  const c = channelName(channel);
  if (service === null) return c;
  const s = SERVICE_NAMES[service.toLowerCase()] ?? { ja: service, en: service };
  return { ja: `${c.ja}（${s.ja}）`, en: `${c.en} (${s.en})` };
}

/** An instant to the minute, in Japan time, labelled as such. */
export function jstMinute(instant: Date): Text {
  const iso = new Date(instant.getTime() + 9 * 3_600_000).toISOString();
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return { ja: `${text}（日本時間）`, en: `${text} JST` };
}

export function day(instant: Date | null): Text {
  return instant ? { ja: jstDate(instant), en: jstDate(instant) } : { ja: '日付不明', en: 'an unknown date' };
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function slotName(slot: PinSlot): Text {
  return { ja: SLOT_SPECS[slot].nameJa, en: `the ${SLOT_SPECS[slot].nameEn}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the attempt history

export type SourceGroup = { channel: string | null; service: string | null; count: number };

export type SlotHistory = {
  /** Wrong PINs since the last success or re-set, oldest first. */
  incorrect: AttemptRecord[];
  formatRefusals: AttemptRecord[];
  otherRefusals: AttemptRecord[];
};

export function restoresCounter(a: AttemptRecord): boolean {
  return a.result === 'success' || (a.result === 'done' && PIN_WRITE_OPERATIONS.has(a.operation));
}

// Failures count consecutively per slot until a correct PIN or a re-set restores the counter (DOMAIN.md §1), so
// only what follows the slot's newest restoring event is outstanding.
export function slotHistory(newestFirst: ReadonlyArray<AttemptRecord>, slot: PinSlot): SlotHistory {
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
export function bySource(attempts: ReadonlyArray<AttemptRecord>): SourceGroup[] {
  const groups: SourceGroup[] = [];
  for (const a of attempts) {
    const group = groups.find((g) => g.channel === a.channel && g.service === a.service);
    if (group) group.count += 1;
    else groups.push({ channel: a.channel, service: a.service, count: 1 });
  }
  return groups;
}

export function sourcesList(attempts: ReadonlyArray<AttemptRecord>): Text {
  const groups = bySource(attempts).map((g) => sourceName(g.channel, g.service));
  return { ja: groups.map((g) => g.ja).join('、'), en: groups.map((g) => g.en).join(' and ') };
}

export function failuresPhrase(incorrect: ReadonlyArray<AttemptRecord>): Text | null {
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

export function spentPhrase(h: SlotHistory): Text | null {
  return failuresPhrase(h.incorrect);
}

export function failuresBySource(histories: Readonly<Record<PinSlot, SlotHistory>>): SourceFailures[] {
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

export function lastSuccessPhrase(success: AttemptRecord | null): Text {
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
export function wrongEntriesPhrase(newestFirst: readonly AttemptRecord[], lastSuccess: AttemptRecord | null): Text {
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

export function reasonText(reason: string | null): Text | null {
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

export function certProblem(kind: CertKind, cert: CertReading, state: 'revoked' | 'suspended' | 'expired'): { short: Text; finding: Text } {
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

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function certState(cert: CertReading | null, now: Date): 'valid' | 'revoked' | 'suspended' | 'expired' | 'absent' {
  if (!cert) return 'absent';
  if (cert.status !== 'valid') return cert.status;
  return cert.notAfter.getTime() <= now.getTime() ? 'expired' : 'valid';
}
