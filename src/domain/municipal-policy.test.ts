import { describe, expect, it } from 'vitest';
import type { DocumentKind } from './identity-document.js';
import {
  SEEDED_POLICIES,
  checkApplicantDocuments,
  checkDocuments,
  describeApplicant,
  describeRule,
  legalProxySameDay,
  splitHolderCard,
  validatePolicy,
} from './municipal-policy.js';
import type { DocumentRule, MunicipalPolicy } from './municipal-policy.js';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

const CARD_ONLY: DocumentRule = { cardRequired: true, alternatives: [{ a: 0, b: 0 }] };
const CARD_PLUS_A_OR_TWO_B: DocumentRule = { cardRequired: true, alternatives: [{ a: 1, b: 0 }, { a: 0, b: 2 }] };
const CARD_PLUS_ONE: DocumentRule = { cardRequired: true, alternatives: [{ a: 1, b: 0 }, { a: 0, b: 1 }] };
const PROXY_OWN_ID: DocumentRule = { cardRequired: false, alternatives: [{ a: 2, b: 0 }, { a: 1, b: 1 }] };

const saitama = SEEDED_POLICIES['111007']!;
const yokohama = SEEDED_POLICIES['141003']!;
const sayama = SEEDED_POLICIES['112151']!;

function policy(overrides: Partial<MunicipalPolicy> = {}): MunicipalPolicy {
  return { ...saitama, ...overrides };
}

describe('checkDocuments', () => {
  it.each<[string, DocumentRule, DocumentKind[], boolean, boolean]>([
    ['accepts the card alone where the card alone is asked for', CARD_ONLY, [], true, true],
    ['refuses without the card where the card is required', CARD_ONLY, ['passport'], false, false],
    ['accepts the card and one A document for "A or two B"', CARD_PLUS_A_OR_TWO_B, ['driving_licence'], true, true],
    ['accepts the card and two B documents for "A or two B"', CARD_PLUS_A_OR_TWO_B, ['health_insurance', 'pension_book'], true, true],
    ['refuses the card and one B document for "A or two B"', CARD_PLUS_A_OR_TWO_B, ['health_insurance'], true, false],
    ['lets an A document stand in for a B one', { cardRequired: true, alternatives: [{ a: 0, b: 2 }] }, ['health_insurance', 'passport'], true, true],
    ['lets a second A document stand in for the B of "A + B"', { cardRequired: false, alternatives: [{ a: 1, b: 1 }] }, ['passport', 'residence_card'], false, true],
    ['does not let a B document stand in for an A one', { cardRequired: false, alternatives: [{ a: 1, b: 1 }] }, ['pension_book', 'health_insurance'], false, false],
    ['does not count proof of authority as identity', CARD_PLUS_A_OR_TWO_B, ['family_register', 'guardianship_registry'], true, false],
    ['accepts one B document for "one more"', CARD_PLUS_ONE, ['student_id'], true, true],
    ['accepts two A documents from a proxy', PROXY_OWN_ID, ['passport', 'driving_licence'], false, true],
    ['accepts A + B from a proxy', PROXY_OWN_ID, ['residence_card', 'health_insurance'], false, true],
    ['refuses two B documents from a proxy', PROXY_OWN_ID, ['health_insurance', 'pension_book'], false, false],
    ["counts the proxy's own My Number Card as class A", PROXY_OWN_ID, ['my_number_card', 'pension_book'], false, true],
    ['does not need the card in a rule that does not ask for it', PROXY_OWN_ID, ['passport', 'passport'], false, true],
  ])('%s', (_name, rule, presented, cardPresented, ok) => {
    expect(checkDocuments(rule, presented, cardPresented).kind).toBe(ok ? 'ok' : 'missing');
  });

  it.each<[string, DocumentRule, DocumentKind[], boolean, string, string]>([
    [
      'names the missing card',
      CARD_ONLY,
      [],
      false,
      'マイナンバーカードが必要です。',
      'Still needed: the My Number Card.',
    ],
    [
      'says how many more documents of each class would do',
      CARD_PLUS_A_OR_TWO_B,
      ['health_insurance'],
      true,
      '本人確認書類あと（A）1点または（B）1点が必要です。',
      'Still needed: ID documents: 1 more of class A or 1 more of class B.',
    ],
    [
      'lists the card and the documents together',
      CARD_PLUS_A_OR_TWO_B,
      [],
      false,
      'マイナンバーカード、本人確認書類あと（A）1点または（B）2点が必要です。',
      'Still needed: the My Number Card; ID documents: 1 more of class A or 2 more of class B.',
    ],
    [
      "tells a proxy with two B documents that one A is missing",
      PROXY_OWN_ID,
      ['health_insurance', 'pension_book'],
      false,
      '本人確認書類あと（A）1点が必要です。',
      'Still needed: ID documents: 1 more of class A.',
    ],
  ])('%s', (_name, rule, presented, cardPresented, ja, en) => {
    expect(checkDocuments(rule, presented, cardPresented)).toEqual({ kind: 'missing', needed: { ja, en } });
  });
});

describe('describeRule', () => {
  it.each<[string, DocumentRule, string, string]>([
    ['card only', CARD_ONLY, 'マイナンバーカードのみ', 'My Number Card only'],
    ['card + A or two B', CARD_PLUS_A_OR_TWO_B, 'マイナンバーカード＋本人確認書類（A）1点または（B）2点', 'My Number Card + ID documents: 1 of class A or 2 of class B'],
    ['card + one more', CARD_PLUS_ONE, 'マイナンバーカード＋本人確認書類（A）1点または（B）1点', 'My Number Card + ID documents: 1 of class A or 1 of class B'],
    ["a proxy's own ID", PROXY_OWN_ID, '本人確認書類（A）2点または（A）1点と（B）1点', 'ID documents: 2 of class A or 1 of class A and 1 of class B'],
    ['a rule listing an alternative twice, once', { cardRequired: true, alternatives: [{ a: 1, b: 0 }, { a: 1, b: 0 }] }, 'マイナンバーカード＋本人確認書類（A）1点', 'My Number Card + ID documents: 1 of class A'],
  ])('words %s', (_name, rule, ja, en) => {
    expect(describeRule(rule)).toEqual({ ja, en });
  });
});

describe('checkApplicantDocuments', () => {
  it.each<[string, MunicipalPolicy, 'self' | 'legal_proxy' | 'voluntary_proxy', DocumentKind[], boolean]>([
    ['lets a Sayama holder in with the card alone', sayama, 'self', ['my_number_card'], true],
    ['asks a Saitama holder for more than the card', saitama, 'self', ['my_number_card'], false],
    ['accepts a Saitama holder with card and licence', saitama, 'self', ['my_number_card', 'driving_licence'], true],
    ['does not count the holder\'s card twice', saitama, 'self', ['my_number_card', 'my_number_card'], true],
    ['asks a legal proxy for proof of authority', saitama, 'legal_proxy', ['my_number_card', 'passport'], false],
    ['accepts a legal proxy with card, photo ID and family register', saitama, 'legal_proxy', ['my_number_card', 'passport', 'family_register'], true],
    ["counts a legal proxy's own card once the holder's is taken", saitama, 'legal_proxy', ['my_number_card', 'my_number_card', 'family_register'], true],
    [
      'waives proof of authority where the policy does',
      policy({ legalProxy: { ...saitama.legalProxy, proofOfAuthorityRequired: false } }),
      'legal_proxy',
      ['my_number_card', 'passport'],
      true,
    ],
    ["takes a voluntary proxy's own card as their photo ID", saitama, 'voluntary_proxy', ['my_number_card', 'health_insurance'], true],
  ])('%s', (_name, p, type, presented, ok) => {
    expect(checkApplicantDocuments(p, type, presented).kind).toBe(ok ? 'ok' : 'missing');
  });

  it('names the missing proof of authority', () => {
    const result = checkApplicantDocuments(saitama, 'legal_proxy', ['my_number_card', 'passport']);
    expect(result).toEqual({
      kind: 'missing',
      needed: {
        ja: '法定代理人であることを証明する書類（戸籍謄本または登記事項証明書）が必要です。',
        en: 'Still needed: proof of authority (family register certificate or certificate of registered matters).',
      },
    });
  });
});

describe('splitHolderCard', () => {
  it.each<[DocumentKind[], boolean, DocumentKind[]]>([
    [[], false, []],
    [['passport'], false, ['passport']],
    [['passport', 'my_number_card'], true, ['passport']],
    [['my_number_card', 'health_insurance', 'my_number_card'], true, ['health_insurance', 'my_number_card']],
  ])('splits %j', (presented, cardPresented, others) => {
    expect(splitHolderCard(presented)).toEqual({ cardPresented, others });
  });
});

describe('describeApplicant', () => {
  it('adds proof of authority for a legal proxy', () => {
    expect(describeApplicant(saitama, 'legal_proxy').ja).toBe(
      'マイナンバーカード＋本人確認書類（A）1点または（B）2点＋法定代理人であることを証明する書類（戸籍謄本または登記事項証明書）',
    );
  });

  it('is the rule itself for a holder', () => {
    expect(describeApplicant(sayama, 'self')).toEqual({ ja: 'マイナンバーカードのみ', en: 'My Number Card only' });
  });
});

describe('legalProxySameDay', () => {
  const kasaiLike = policy({ legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: false, holderMustAttend: false } });
  const lenient = policy({ legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: true, holderMustAttend: false } });
  const lenientButHolder = policy({ legalProxy: { proofOfAuthorityRequired: true, sameDayWithoutPhotoId: true, holderMustAttend: true } });

  it.each<[string, MunicipalPolicy, DocumentKind[], boolean, boolean]>([
    ['serves a proxy with a photo ID the same day', kasaiLike, ['my_number_card', 'passport', 'family_register'], false, true],
    ['sends a proxy without photo ID down the letter path', kasaiLike, ['my_number_card', 'health_insurance', 'pension_book', 'family_register'], false, false],
    ["does not take the holder's card for the proxy's photo ID", kasaiLike, ['my_number_card', 'health_insurance', 'family_register'], true, false],
    ["takes the proxy's own card as photo ID", kasaiLike, ['my_number_card', 'my_number_card', 'family_register'], false, true],
    ['serves without photo ID where the municipality allows it', lenient, ['my_number_card', 'health_insurance', 'pension_book'], false, true],
    ['never serves the same day when the holder must attend and is absent', lenientButHolder, ['my_number_card', 'passport'], false, false],
    ['serves Yokohama the same day when the holder comes along', yokohama, ['my_number_card', 'passport', 'family_register'], true, true],
    ['sends Yokohama to the letter when the holder stays home', yokohama, ['my_number_card', 'passport', 'family_register'], false, false],
  ])('%s', (_name, p, presented, holderPresent, expected) => {
    expect(legalProxySameDay(p, presented, holderPresent)).toBe(expected);
  });
});

describe('validatePolicy', () => {
  it.each(Object.entries(SEEDED_POLICIES))('accepts the seeded policy %s', (code, p) => {
    expect(p.municipalityCode).toBe(code);
    expect(validatePolicy(p)).toEqual({ kind: 'ok' });
  });

  it.each<[string, Partial<MunicipalPolicy>, string]>([
    ['a deadline shorter than a week', { inquiryDeadlineDays: 6 }, 'inquiryDeadlineDays'],
    ['a deadline longer than 90 days', { inquiryDeadlineDays: 91 }, 'inquiryDeadlineDays'],
    ['a fractional deadline', { inquiryDeadlineDays: 14.5 }, 'inquiryDeadlineDays'],
    ['a bad municipality code', { municipalityCode: '111008' }, 'municipalityCode'],
    ['version 0', { version: 0 }, 'version'],
    ['no counter hours', { counterHours: [] }, 'counterHours'],
    ['hours not in HH:MM', { counterHours: [{ days: { ja: '平日', en: 'weekdays' }, open: '8:30', close: '17:15' }] }, 'counterHours[0]'],
    ['closing before opening', { counterHours: [{ days: { ja: '平日', en: 'weekdays' }, open: '17:00', close: '09:00' }] }, 'counterHours[0]'],
    ['hours without day names', { counterHours: [{ days: { ja: '', en: 'weekdays' }, open: '09:00', close: '17:00' }] }, 'counterHours[0].days'],
    ['a malformed phone number', { phone: '0488291111' }, 'phone'],
    ['notes in one language only', { notes: { ja: '備考', en: '' } }, 'notes'],
    [
      'a rule without alternatives',
      { documents: { ...saitama.documents, voluntary_proxy: { cardRequired: false, alternatives: [] } } },
      'documents.voluntary_proxy.alternatives',
    ],
    [
      'a rule that asks for nothing',
      { documents: { ...saitama.documents, voluntary_proxy: { cardRequired: false, alternatives: [{ a: 0, b: 0 }] } } },
      'documents.voluntary_proxy.alternatives[0]',
    ],
    [
      'negative counts',
      { documents: { ...saitama.documents, legal_proxy: { cardRequired: true, alternatives: [{ a: -1, b: 0 }] } } },
      'documents.legal_proxy.alternatives[0]',
    ],
    [
      'a holder served without the card',
      { documents: { ...saitama.documents, self: { cardRequired: false, alternatives: [{ a: 1, b: 0 }] } } },
      'documents.self.cardRequired',
    ],
  ])('refuses %s', (_name, overrides, field) => {
    const result = validatePolicy(policy(overrides));
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.problems.map((p) => p.field)).toEqual([field]);
    for (const p of result.problems) {
      expect(p.ja).toMatch(JAPANESE);
      expect(p.en).not.toMatch(JAPANESE);
    }
  });

  it('names every problem, not just the first', () => {
    const result = validatePolicy(policy({ inquiryDeadlineDays: 1, phone: 'call us', version: -1 }));
    expect(result.kind === 'invalid' && result.problems.map((p) => p.field).sort()).toEqual(['inquiryDeadlineDays', 'phone', 'version']);
  });

  it.each([7, 90])('accepts a deadline of %i days', (days) => {
    expect(validatePolicy(policy({ inquiryDeadlineDays: days }))).toEqual({ kind: 'ok' });
  });
});

describe('SEEDED_POLICIES', () => {
  it.each<[string, string, string]>([
    ['狭山市 accepts the card alone', '112151', 'マイナンバーカードのみ'],
    ['横浜市 wants one more document', '141003', 'マイナンバーカード＋本人確認書類（A）1点または（B）1点'],
    ['川崎市 wants one more document', '141305', 'マイナンバーカード＋本人確認書類（A）1点または（B）1点'],
    ['さいたま市 wants an A or two B documents', '111007', 'マイナンバーカード＋本人確認書類（A）1点または（B）2点'],
  ])('%s', (_name, code, ja) => {
    expect(describeRule(SEEDED_POLICIES[code]!.documents.self).ja).toBe(ja);
  });

  it('keeps Yokohama\'s Saturday hours', () => {
    expect(yokohama.counterHours).toContainEqual({ days: { ja: '第2・第4土曜日', en: '2nd and 4th Saturdays' }, open: '09:00', close: '12:00' });
  });

  it.each(Object.keys(SEEDED_POLICIES))('asks every voluntary proxy in %s for (A)×2 or (A)+(B)', (code) => {
    expect(SEEDED_POLICIES[code]!.documents.voluntary_proxy).toEqual(PROXY_OWN_ID);
  });

  it.each(Object.keys(SEEDED_POLICIES))('marks what is assumed in %s', (code) => {
    expect(SEEDED_POLICIES[code]!.notes.ja).toContain('仮定');
    expect(SEEDED_POLICIES[code]!.notes.en).toContain('assumed');
  });
});
