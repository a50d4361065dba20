// What a municipality asks for at the PIN-reset counter (DOMAIN.md §4). Municipalities differ (Sayama accepts the
// card alone, Yokohama and Kawasaki want one more document), so this is per-municipality data, never a constant.
// One policy drives both the counter's checklist and the public guidance page: Saitama city had no page at all
// and the seed story's author had to phone (DOMAIN.md §4; seeds/000).

import { IDENTITY_DOCUMENTS } from './identity-document.js';
import type { DocumentKind } from './identity-document.js';
import { isValidMunicipalityCode } from './municipality-code.js';

export type Bilingual = Readonly<{ ja: string; en: string }>;

export const APPLICANT_TYPES = ['self', 'legal_proxy', 'voluntary_proxy'] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

/** Counts of class-A and class-B documents that together satisfy a rule. */
export type DocumentAlternative = Readonly<{ a: number; b: number }>;

/**
 * Satisfied when the holder's card is presented (if required) and at least one alternative is met.
 * An A document also counts toward B needs: it proves more than a B document does, and no municipality
 * refuses a passport where it would take a pension book (jpki-facts §2.2: "(A)×2 or (A)+(B)").
 */
export type DocumentRule = Readonly<{ cardRequired: boolean; alternatives: ReadonlyArray<DocumentAlternative> }>;

export type CounterHours = Readonly<{ days: Bilingual; open: string; close: string }>;

export type MunicipalPolicy = Readonly<{
  municipalityCode: string;
  version: number;
  documents: Readonly<Record<ApplicantType, DocumentRule>>;
  legalProxy: Readonly<{
    /** 戸籍謄本 / 登記事項証明書 must be shown (some municipalities waive it when they can check locally). */
    proofOfAuthorityRequired: boolean;
    /** Same day even when the proxy has no class-A document (jpki-facts §2.2: Kasai says no). */
    sameDayWithoutPhotoId: boolean;
    /** Yokohama: the holder must come too, else the inquiry letter (文書照会) path. */
    holderMustAttend: boolean;
  }>;
  /** Days the holder has to answer the inquiry letter (照会書兼回答書); the answer is void after the last one. */
  inquiryDeadlineDays: number;
  counterHours: ReadonlyArray<CounterHours>;
  phone: string | null;
  /** For staff: the research behind the policy, what is assumed. Never shown on the public guidance page. */
  notes: Bilingual;
  /** For residents: what they need to know beyond the rules (shown on the guidance page); absent when nothing. */
  publicNotes?: Bilingual;
}>;

export type PolicyProblem = Readonly<{ field: string; ja: string; en: string }>;
export type PolicyValidation = { kind: 'ok' } | { kind: 'invalid'; problems: ReadonlyArray<PolicyProblem> };

export type DocumentCheck = { kind: 'ok' } | { kind: 'missing'; needed: Bilingual };

// Nobody gets 7 days by post plus time to answer with less than a week; more than about three months and the
// request is stale (the deadline length itself is not published anywhere: jpki-facts §2.2).
export const INQUIRY_DEADLINE_MIN_DAYS = 7;
export const INQUIRY_DEADLINE_MAX_DAYS = 90;

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
// Japanese fixed-line and mobile numbers as written on municipal pages: 048-829-1111, 0120-95-0178.
const PHONE = /^0\d{1,4}-\d{1,4}-\d{3,4}$/;

// ---------------------------------------------------------------------------------------------------------------
// Counting documents

type Counts = Readonly<{ a: number; b: number; authority: number }>;

// `presented` never includes the holder's own card (that is `cardPresented`); a My Number Card listed here is
// someone else's, typically the proxy's own, and it is an official photo ID.
function count(presented: ReadonlyArray<DocumentKind>): Counts {
  let a = 0;
  let b = 0;
  let authority = 0;
  for (const kind of presented) {
    const documentClass = IDENTITY_DOCUMENTS[kind].class;
    if (documentClass === 'A' || documentClass === 'card') a += 1;
    else if (documentClass === 'B') b += 1;
    else authority += 1;
  }
  return { a, b, authority };
}

function meets(counts: Counts, alternative: DocumentAlternative): boolean {
  return counts.a >= alternative.a && counts.a - alternative.a + counts.b >= alternative.b;
}

// What is still needed for one alternative; spare A documents fill B needs first.
function shortfall(counts: Counts, alternative: DocumentAlternative): DocumentAlternative {
  const needA = Math.max(0, alternative.a - counts.a);
  const spareA = Math.max(0, counts.a - alternative.a);
  const needB = Math.max(0, alternative.b - counts.b - spareA);
  return { a: needA, b: needB };
}

function distinct(alternatives: ReadonlyArray<DocumentAlternative>): DocumentAlternative[] {
  const seen = new Set<string>();
  const out: DocumentAlternative[] = [];
  for (const alternative of alternatives) {
    const key = `${alternative.a}/${alternative.b}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(alternative);
    }
  }
  return out;
}

// "2 more A or 1 more A" says less than "1 more A": drop every shortfall that another one undercuts.
function minimal(shortfalls: ReadonlyArray<DocumentAlternative>): DocumentAlternative[] {
  const unique = distinct(shortfalls);
  return unique.filter((s) => !unique.some((t) => t !== s && t.a <= s.a && t.b <= s.b));
}

// ---------------------------------------------------------------------------------------------------------------
// Words

function alternativeJa({ a, b }: DocumentAlternative): string {
  if (a > 0 && b > 0) return `（A）${a}点と（B）${b}点`;
  return a > 0 ? `（A）${a}点` : `（B）${b}点`;
}

function alternativeEn({ a, b }: DocumentAlternative, more: boolean): string {
  const m = more ? ' more' : '';
  if (a > 0 && b > 0) return `${a}${m} of class A and ${b}${m} of class B`;
  return a > 0 ? `${a}${m} of class A` : `${b}${m} of class B`;
}

const CARD_JA = 'マイナンバーカード';
const CARD_EN = 'My Number Card';
const AUTHORITY_JA = '法定代理人であることを証明する書類（戸籍謄本または登記事項証明書）';
const AUTHORITY_EN = 'proof of authority (family register certificate or certificate of registered matters)';

/**
 * The rule in words, e.g. 「マイナンバーカード＋本人確認書類（A）1点または（B）2点」 /
 * "My Number Card + ID documents: 1 of class A or 2 of class B". The guidance page and the counter checklist both
 * call this, so they cannot drift apart (DOMAIN.md §4).
 */
export function describeRule(rule: DocumentRule): Bilingual {
  const cardOnly = rule.alternatives.some((alt) => alt.a === 0 && alt.b === 0);
  if (rule.alternatives.length === 0) return { ja: '（条件が設定されていません）', en: '(no rule set)' };
  if (cardOnly) {
    return rule.cardRequired ? { ja: `${CARD_JA}のみ`, en: `${CARD_EN} only` } : { ja: '書類は不要', en: 'no documents' };
  }
  const alternatives = distinct(rule.alternatives);
  const ja = `本人確認書類${alternatives.map(alternativeJa).join('または')}`;
  const en = `ID documents: ${alternatives.map((alt) => alternativeEn(alt, false)).join(' or ')}`;
  return rule.cardRequired ? { ja: `${CARD_JA}＋${ja}`, en: `${CARD_EN} + ${en}` } : { ja, en };
}

type Missing = { card: boolean; documents: DocumentAlternative[] | null; authority: boolean };

function render(missing: Missing): DocumentCheck {
  const ja: string[] = [];
  const en: string[] = [];
  if (missing.card) {
    ja.push(CARD_JA);
    en.push(`the ${CARD_EN}`);
  }
  if (missing.documents) {
    ja.push(`本人確認書類あと${missing.documents.map(alternativeJa).join('または')}`);
    en.push(`ID documents: ${missing.documents.map((alt) => alternativeEn(alt, true)).join(' or ')}`);
  }
  if (missing.authority) {
    ja.push(AUTHORITY_JA);
    en.push(AUTHORITY_EN);
  }
  if (ja.length === 0) return { kind: 'ok' };
  return { kind: 'missing', needed: { ja: `${ja.join('、')}が必要です。`, en: `Still needed: ${en.join('; ')}.` } };
}

function missingFor(rule: DocumentRule, presented: ReadonlyArray<DocumentKind>, cardPresented: boolean): Missing {
  const counts = count(presented);
  const met = rule.alternatives.some((alt) => meets(counts, alt));
  return {
    card: rule.cardRequired && !cardPresented,
    // An empty rule (which validatePolicy refuses) is never met, and has nothing to say about what would meet it.
    documents: met ? null : minimal(rule.alternatives.map((alt) => shortfall(counts, alt))),
    authority: false,
  };
}

/**
 * Checks documents against a rule. `presented` lists every document other than the holder's card, one entry per
 * physical document; the holder's card is `cardPresented`. Authority documents prove no identity and are ignored here.
 */
export function checkDocuments(rule: DocumentRule, presented: ReadonlyArray<DocumentKind>, cardPresented: boolean): DocumentCheck {
  return render(missingFor(rule, presented, cardPresented));
}

/**
 * For callers whose list includes the holder's card (the counter ticks "マイナンバーカード" like any other item):
 * the first My Number Card is the holder's; any further one is someone else's (the proxy's own photo ID).
 */
export function splitHolderCard(presented: ReadonlyArray<DocumentKind>): { cardPresented: boolean; others: DocumentKind[] } {
  const index = presented.indexOf('my_number_card');
  if (index < 0) return { cardPresented: false, others: [...presented] };
  return { cardPresented: true, others: [...presented.slice(0, index), ...presented.slice(index + 1)] };
}

function holderCardAndOthers(rule: DocumentRule, presented: ReadonlyArray<DocumentKind>) {
  // A rule that does not ask for the holder's card (the voluntary proxy's visit 1) is about the proxy's own
  // documents only, so every card listed is the proxy's.
  return rule.cardRequired ? splitHolderCard(presented) : { cardPresented: false, others: [...presented] };
}

/**
 * The whole counter check for one applicant: the rule for their type and, for a legal proxy, proof of authority
 * where the municipality asks for it (DOMAIN.md §4). `presented` includes the holder's card if shown.
 */
export function checkApplicantDocuments(
  policy: MunicipalPolicy,
  applicantType: ApplicantType,
  presented: ReadonlyArray<DocumentKind>,
): DocumentCheck {
  const rule = policy.documents[applicantType];
  const { cardPresented, others } = holderCardAndOthers(rule, presented);
  const missing = missingFor(rule, others, cardPresented);
  if (applicantType === 'legal_proxy' && policy.legalProxy.proofOfAuthorityRequired) {
    missing.authority = count(others).authority === 0;
  }
  return render(missing);
}

/** Everything an applicant of this type must bring, in words, for the guidance page and the checklist. */
export function describeApplicant(policy: MunicipalPolicy, applicantType: ApplicantType): Bilingual {
  const rule = describeRule(policy.documents[applicantType]);
  if (applicantType === 'legal_proxy' && policy.legalProxy.proofOfAuthorityRequired) {
    return { ja: `${rule.ja}＋${AUTHORITY_JA}`, en: `${rule.en} + ${AUTHORITY_EN}` };
  }
  return rule;
}

/**
 * Whether a legal proxy can be served the same day (DOMAIN.md §4; jpki-facts §2.2). Never when the municipality
 * wants the holder present and the holder is absent (Yokohama: else 文書照会). Otherwise only when the proxy holds a
 * class-A document, unless the municipality waives that. `presented` includes the holder's card if shown.
 */
export function legalProxySameDay(policy: MunicipalPolicy, presented: ReadonlyArray<DocumentKind>, holderPresent: boolean): boolean {
  if (policy.legalProxy.holderMustAttend && !holderPresent) return false;
  if (policy.legalProxy.sameDayWithoutPhotoId) return true;
  const { others } = holderCardAndOthers(policy.documents.legal_proxy, presented);
  return count(others).a > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Refuses a policy that could not drive a counter or a guidance page. Every problem is named, not just the first. */
export function validatePolicy(p: MunicipalPolicy): PolicyValidation {
  const problems: PolicyProblem[] = [];
  const problem = (field: string, ja: string, en: string) => problems.push({ field, ja, en });

  if (!isValidMunicipalityCode(p.municipalityCode)) {
    problem('municipalityCode', '市区町村コードが正しくありません（6桁、検査数字付き）。', 'The municipality code is not a valid 6-digit code with check digit.');
  }
  if (!Number.isInteger(p.version) || p.version < 1) {
    problem('version', '版数は1以上の整数にしてください。', 'The version must be an integer of at least 1.');
  }
  for (const type of APPLICANT_TYPES) {
    const rule = p.documents[type];
    const field = `documents.${type}`;
    if (!rule) {
      problem(field, 'この申請者の区分の書類の条件がありません。', 'There is no document rule for this applicant type.');
      continue;
    }
    if (rule.alternatives.length === 0) {
      problem(`${field}.alternatives`, '書類の組合せを1つ以上指定してください。', 'Give at least one combination of documents.');
    }
    rule.alternatives.forEach((alt, i) => {
      if (!Number.isInteger(alt.a) || !Number.isInteger(alt.b) || alt.a < 0 || alt.b < 0) {
        problem(`${field}.alternatives[${i}]`, '書類の点数は0以上の整数にしてください。', 'Document counts must be integers of 0 or more.');
      } else if (!rule.cardRequired && alt.a === 0 && alt.b === 0) {
        problem(`${field}.alternatives[${i}]`, '書類を何も確認しない組合せは指定できません。', 'A combination must ask for at least one document or the card.');
      }
    });
  }
  // The holder's card is the thing being reset; a holder cannot be served without it.
  if (p.documents.self && !p.documents.self.cardRequired) {
    problem('documents.self.cardRequired', '本人の手続ではマイナンバーカードの提示が必要です。', 'A holder applying in person must present the My Number Card.');
  }
  if (!Number.isInteger(p.inquiryDeadlineDays) || p.inquiryDeadlineDays < INQUIRY_DEADLINE_MIN_DAYS || p.inquiryDeadlineDays > INQUIRY_DEADLINE_MAX_DAYS) {
    problem(
      'inquiryDeadlineDays',
      `照会書の回答期限は${INQUIRY_DEADLINE_MIN_DAYS}日から${INQUIRY_DEADLINE_MAX_DAYS}日までの整数にしてください。`,
      `The inquiry-letter deadline must be a whole number of days from ${INQUIRY_DEADLINE_MIN_DAYS} to ${INQUIRY_DEADLINE_MAX_DAYS}.`,
    );
  }
  if (p.counterHours.length === 0) {
    problem('counterHours', '窓口の受付時間を1つ以上指定してください。', 'Give at least one set of counter opening hours.');
  }
  p.counterHours.forEach((hours, i) => {
    const field = `counterHours[${i}]`;
    if (hours.days.ja.trim() === '' || hours.days.en.trim() === '') {
      problem(`${field}.days`, '受付日を日本語と英語で指定してください。', 'Name the days in both Japanese and English.');
    }
    if (!HH_MM.test(hours.open) || !HH_MM.test(hours.close)) {
      problem(field, '受付時間はHH:MM形式で指定してください。', 'Opening hours must be written HH:MM.');
    } else if (minutes(hours.open) >= minutes(hours.close)) {
      problem(field, '受付終了時刻は開始時刻より後にしてください。', 'The closing time must be after the opening time.');
    }
  });
  if (p.phone !== null && !PHONE.test(p.phone)) {
    problem('phone', '電話番号は 048-829-1111 のように市外局番から指定してください。', 'Write the phone number with its area code, like 048-829-1111.');
  }
  // Japanese first, English second: a note in one language only would leave half the readers without it.
  if ((p.notes.ja.trim() === '') !== (p.notes.en.trim() === '')) {
    problem('notes', '備考は日本語と英語の両方で記載してください。', 'Write the notes in both Japanese and English.');
  }
  if (p.publicNotes && (p.publicNotes.ja.trim() === '') !== (p.publicNotes.en.trim() === '')) {
    problem('publicNotes', '住民向けのお知らせは日本語と英語の両方で記載してください。', 'Write the notice for residents in both Japanese and English.');
  }
  return problems.length === 0 ? { kind: 'ok' } : { kind: 'invalid', problems };
}

// ---------------------------------------------------------------------------------------------------------------
// Seeded policies (jpki-facts §2.3). Whatever no source states is marked 「仮定」/"assumed" in the notes; the
// inquiry deadline is never published (jpki-facts §2.2), so every deadline here is assumed.

const CARD_ONLY: DocumentRule = { cardRequired: true, alternatives: [{ a: 0, b: 0 }] };
const CARD_PLUS_ONE: DocumentRule = { cardRequired: true, alternatives: [{ a: 1, b: 0 }, { a: 0, b: 1 }] };
const CARD_PLUS_A_OR_TWO_B: DocumentRule = { cardRequired: true, alternatives: [{ a: 1, b: 0 }, { a: 0, b: 2 }] };
// The proxy's own ID: (A)×2 or (A)+(B) (jpki-facts §2.2; in Tajimi someone without these cannot act as proxy).
const PROXY_OWN_ID: DocumentRule = { cardRequired: false, alternatives: [{ a: 2, b: 0 }, { a: 1, b: 1 }] };
// Holder's card + the legal proxy's photo ID or two other IDs (jpki-facts §2.2).
const LEGAL_PROXY_ID: DocumentRule = { cardRequired: true, alternatives: [{ a: 1, b: 0 }, { a: 0, b: 2 }] };

const WEEKDAYS = { ja: '平日（月〜金、祝休日・年末年始を除く）', en: 'weekdays (Mon–Fri, except public holidays and New Year)' };
const TYPICAL_HOURS: ReadonlyArray<CounterHours> = [{ days: WEEKDAYS, open: '08:30', close: '17:15' }];
const ASSUMED_DEADLINE_DAYS = 30;

export const SEEDED_POLICIES: Readonly<Record<string, MunicipalPolicy>> = Object.freeze({
  '111007': {
    municipalityCode: '111007',
    version: 1,
    documents: { self: CARD_PLUS_A_OR_TWO_B, legal_proxy: LEGAL_PROXY_ID, voluntary_proxy: PROXY_OWN_ID },
    legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: false, holderMustAttend: false },
    inquiryDeadlineDays: ASSUMED_DEADLINE_DAYS,
    counterHours: TYPICAL_HOURS,
    phone: null,
    notes: {
      ja: 'さいたま市（区役所）。本人の手続でも、マイナンバーカードのほかに運転免許証や健康保険証などの本人確認書類が必要（利用者の体験記による。市の案内ページは見当たらなかった）。必要な点数、法定代理人の扱い、照会書の回答期限（30日）、受付時間は仮定。',
      en: 'Saitama city (ward offices). Even a holder in person needs an ID document such as a driving licence or health-insurance card besides the card (from a user report; the city had no guidance page). The number of documents, the legal-proxy rules, the inquiry deadline (30 days) and the opening hours are assumed.',
    },
    publicNotes: {
      ja: 'ご本人が来庁する場合も、マイナンバーカードのほかに本人確認書類をお持ちください。手続は各区役所の窓口で行います。',
      en: 'Even when you come in person, bring an ID document besides your My Number Card. The procedure is done at the ward office counters.',
    },
  },
  '141003': {
    municipalityCode: '141003',
    version: 1,
    documents: { self: CARD_PLUS_ONE, legal_proxy: LEGAL_PROXY_ID, voluntary_proxy: PROXY_OWN_ID },
    legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: false, holderMustAttend: true },
    inquiryDeadlineDays: ASSUMED_DEADLINE_DAYS,
    counterHours: [
      { days: WEEKDAYS, open: '08:45', close: '17:00' },
      { days: { ja: '第2・第4土曜日', en: '2nd and 4th Saturdays' }, open: '09:00', close: '12:00' },
    ],
    phone: null,
    notes: {
      ja: '横浜市（区役所戸籍課）。本人はマイナンバーカード＋本人確認書類1点。法定代理人は本人の同行が必要で、同行できない場合は文書照会（後日）。インターネットでの再設定はできない。照会書の回答期限（30日）は仮定。',
      en: 'Yokohama (ward family-register sections). The holder brings the card plus one more ID document. A legal proxy must come with the holder, otherwise an inquiry letter is sent (not the same day). No reset over the Internet. The inquiry deadline (30 days) is assumed.',
    },
    publicNotes: {
      ja: '手続は各区役所の戸籍課で行います。インターネットでの再設定はできません。',
      en: 'The procedure is done at the family-register section of each ward office. PINs cannot be re-set over the Internet.',
    },
  },
  '141305': {
    municipalityCode: '141305',
    version: 1,
    documents: { self: CARD_PLUS_ONE, legal_proxy: LEGAL_PROXY_ID, voluntary_proxy: PROXY_OWN_ID },
    legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: false, holderMustAttend: false },
    inquiryDeadlineDays: ASSUMED_DEADLINE_DAYS,
    counterHours: [{ days: WEEKDAYS, open: '09:00', close: '17:00' }],
    phone: null,
    notes: {
      ja: '川崎市。本人はマイナンバーカード＋本人確認書類1点（健康保険の資格確認書など）。郵送での申請は不可。法定代理人の扱いと照会書の回答期限（30日）は仮定。',
      en: 'Kawasaki. The holder brings the card plus one more ID document (a health-insurance certificate, for example). No applications by post. The legal-proxy rules and the inquiry deadline (30 days) are assumed.',
    },
    publicNotes: {
      ja: '郵送での申請はできません。窓口へお越しください。',
      en: 'Applications by post are not accepted; please come to the counter.',
    },
  },
  '112151': {
    municipalityCode: '112151',
    version: 1,
    documents: { self: CARD_ONLY, legal_proxy: LEGAL_PROXY_ID, voluntary_proxy: PROXY_OWN_ID },
    legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: false, holderMustAttend: false },
    inquiryDeadlineDays: ASSUMED_DEADLINE_DAYS,
    counterHours: TYPICAL_HOURS,
    phone: null,
    notes: {
      ja: '狭山市。本人はマイナンバーカードのみで手続できる。代理人は2回の来庁が必要。法定代理人の扱い、照会書の回答期限（30日）、受付時間は仮定。',
      en: 'Sayama. A holder in person needs only the card. A proxy must come twice. The legal-proxy rules, the inquiry deadline (30 days) and the opening hours are assumed.',
    },
    publicNotes: {
      ja: 'ご本人が来庁する場合は、マイナンバーカードだけで手続できます。',
      en: 'If you come in person, your My Number Card is all you need.',
    },
  },
  '131016': {
    municipalityCode: '131016',
    version: 1,
    documents: { self: CARD_PLUS_ONE, legal_proxy: LEGAL_PROXY_ID, voluntary_proxy: PROXY_OWN_ID },
    legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: false, holderMustAttend: false },
    inquiryDeadlineDays: ASSUMED_DEADLINE_DAYS,
    counterHours: TYPICAL_HOURS,
    phone: null,
    notes: {
      ja: '千代田区。調査では情報が得られなかったため、書類、法定代理人の扱い、照会書の回答期限（30日）、受付時間はすべて仮定。',
      en: 'Chiyoda ward. Nothing was found in the research, so the documents, the legal-proxy rules, the inquiry deadline (30 days) and the opening hours are all assumed.',
    },
  },
});
