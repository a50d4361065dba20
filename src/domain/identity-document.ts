// The documents a counter may check, by class (DOMAIN.md §4; jpki-facts §2.2).
// A: official photo ID, one suffices. B: no photo, or a photo not issued by a public body, showing name + birth
// date or name + address; two are needed. 'authority': proves that a legal proxy may act for the holder; proves
// nothing about anyone's identity. 'card': a My Number Card.
// Only the kind is ever recorded, never a document number (DOMAIN.md §4: "kind, not number").

export const DOCUMENT_KINDS = [
  'my_number_card',
  'driving_licence',
  'driving_history_certificate',
  'passport',
  'residence_card',
  'special_permanent_resident_certificate',
  'disability_handbook',
  'health_insurance',
  'pension_book',
  'student_id',
  'employee_id_with_photo',
  'family_register',
  'guardianship_registry',
] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type DocumentClass = 'A' | 'B' | 'authority' | 'card';

export type IdentityDocument = Readonly<{
  kind: DocumentKind;
  class: DocumentClass;
  nameJa: string;
  nameEn: string;
}>;

export const IDENTITY_DOCUMENTS: Readonly<Record<DocumentKind, IdentityDocument>> = Object.freeze({
  // The holder's own card is signalled separately (cardPresented); when listed among presented documents it is
  // someone else's card, typically the proxy's own, and counts as class A: it is an official photo ID.
  my_number_card: { kind: 'my_number_card', class: 'card', nameJa: 'マイナンバーカード', nameEn: 'My Number Card' },
  driving_licence: { kind: 'driving_licence', class: 'A', nameJa: '運転免許証', nameEn: 'driving licence' },
  driving_history_certificate: {
    kind: 'driving_history_certificate',
    class: 'A',
    nameJa: '運転経歴証明書',
    nameEn: 'certificate of driving history',
  },
  passport: { kind: 'passport', class: 'A', nameJa: '旅券（パスポート）', nameEn: 'passport' },
  residence_card: { kind: 'residence_card', class: 'A', nameJa: '在留カード', nameEn: 'residence card' },
  special_permanent_resident_certificate: {
    kind: 'special_permanent_resident_certificate',
    class: 'A',
    nameJa: '特別永住者証明書',
    nameEn: 'special permanent resident certificate',
  },
  disability_handbook: {
    kind: 'disability_handbook',
    class: 'A',
    nameJa: '身体障害者手帳・精神障害者保健福祉手帳・療育手帳',
    nameEn: 'disability certificate handbook',
  },
  health_insurance: {
    kind: 'health_insurance',
    class: 'B',
    nameJa: '健康保険の資格確認書・被保険者証',
    nameEn: 'health-insurance eligibility certificate or card',
  },
  pension_book: { kind: 'pension_book', class: 'B', nameJa: '年金手帳・基礎年金番号通知書', nameEn: 'pension book or pension number notice' },
  student_id: { kind: 'student_id', class: 'B', nameJa: '学生証', nameEn: 'student ID' },
  // Photo, but not issued by a public body: jpki-facts §2.2 (M-ashiya, M-tajimi) lists such cards under B.
  employee_id_with_photo: { kind: 'employee_id_with_photo', class: 'B', nameJa: '写真付き社員証', nameEn: 'employee ID with photo' },
  family_register: { kind: 'family_register', class: 'authority', nameJa: '戸籍謄本', nameEn: 'family register (koseki) certificate' },
  guardianship_registry: {
    kind: 'guardianship_registry',
    class: 'authority',
    nameJa: '登記事項証明書（成年後見）',
    nameEn: 'certificate of registered matters (adult guardianship)',
  },
});

export const DOCUMENT_CLASS_TEXT: Readonly<Record<DocumentClass, Readonly<{ ja: string; en: string }>>> = Object.freeze({
  A: {
    ja: '（A）官公署が発行した顔写真付きの本人確認書類（1点で可）',
    en: '(A) official photo ID issued by a public body (one is enough)',
  },
  B: {
    ja: '（B）氏名と生年月日、または氏名と住所が記載された書類（顔写真なし等、2点必要）',
    en: '(B) a document showing name and birth date, or name and address, without an official photo (two are needed)',
  },
  authority: {
    ja: '法定代理人であることを証明する書類',
    en: 'proof of authority as a legal representative',
  },
  card: { ja: 'マイナンバーカード', en: 'My Number Card' },
});

export function isDocumentKind(value: string): value is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(value);
}

export function documentsOfClass(documentClass: DocumentClass): readonly DocumentKind[] {
  return DOCUMENT_KINDS.filter((kind) => IDENTITY_DOCUMENTS[kind].class === documentClass);
}
