// The counter's answer to "why can't this person log in?" (DOMAIN.md §3; seeds/000).
// In the seed story an app said "locked" for months and the counter found nothing locked; nobody could say why.
// DOMAIN.md §3 lists the known ways that happens: a different slot locked, an expired or revoked certificate
// shown as a lock, tries drained by failed reads or by another service, a lowercase signing password, and the
// client itself. This module tells them apart from what the system recorded, in one verdict plus every other
// fact found, in Japanese first and English second.

import { cardState } from './card.js';
import { PIN_SLOTS } from './pin-slot.js';
import type { PinSlot } from './pin-slot.js';
import { riskRuleText } from './risk-text.js';
import type { Text, AttemptRecord, DiagnosisInput, VerdictCode, Finding, Diagnosis } from './diagnosis-types.js';
import {
  CERT_NAMES,
  REFUSAL_NAMES,
  jstMinute,
  day,
  plural,
  slotName,
  slotHistory,
  sourcesList,
  spentPhrase,
  failuresBySource,
  lastSuccessPhrase,
  wrongEntriesPhrase,
  reasonText,
  certProblem,
  capitalise,
  certState,
} from './diagnosis-phrases.js';
import type { SlotHistory } from './diagnosis-phrases.js';

export { PIN_WRITE_OPERATIONS, VERDICT_CODES } from './diagnosis-types.js';
export type {
  AttemptRecord,
  AttemptResult,
  CardReading,
  CertReading,
  Diagnosis,
  DiagnosisInput,
  Finding,
  FindingCode,
  SourceFailures,
  VerdictCode,
} from './diagnosis-types.js';

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
