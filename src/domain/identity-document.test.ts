import { describe, expect, it } from 'vitest';
import { DOCUMENT_CLASS_TEXT, DOCUMENT_KINDS, IDENTITY_DOCUMENTS, documentsOfClass, isDocumentKind } from './identity-document.js';
import type { DocumentClass, DocumentKind } from './identity-document.js';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('IDENTITY_DOCUMENTS', () => {
  it('describes exactly the listed kinds, each under its own key', () => {
    expect(Object.keys(IDENTITY_DOCUMENTS).sort()).toEqual([...DOCUMENT_KINDS].sort());
    for (const kind of DOCUMENT_KINDS) expect(IDENTITY_DOCUMENTS[kind].kind).toBe(kind);
  });

  it.each(DOCUMENT_KINDS)('names %s in Japanese and in English', (kind) => {
    expect(IDENTITY_DOCUMENTS[kind].nameJa).toMatch(JAPANESE);
    expect(IDENTITY_DOCUMENTS[kind].nameEn).not.toMatch(JAPANESE);
    expect(IDENTITY_DOCUMENTS[kind].nameEn.trim()).not.toBe('');
  });

  it.each<[DocumentKind, DocumentClass]>([
    ['driving_licence', 'A'],
    ['passport', 'A'],
    ['residence_card', 'A'],
    ['special_permanent_resident_certificate', 'A'],
    ['disability_handbook', 'A'],
    ['health_insurance', 'B'],
    ['pension_book', 'B'],
    ['student_id', 'B'],
    ['employee_id_with_photo', 'B'],
    ['family_register', 'authority'],
    ['guardianship_registry', 'authority'],
    ['my_number_card', 'card'],
  ])('puts %s in class %s', (kind, documentClass) => {
    expect(IDENTITY_DOCUMENTS[kind].class).toBe(documentClass);
  });

  it('lists the documents of a class for a checklist', () => {
    expect(documentsOfClass('authority')).toEqual(['family_register', 'guardianship_registry']);
    expect(documentsOfClass('A')).toContain('passport');
    expect(documentsOfClass('B')).not.toContain('passport');
  });

  it.each(['A', 'B', 'authority', 'card'] as const)('explains class %s in both languages', (documentClass) => {
    expect(DOCUMENT_CLASS_TEXT[documentClass].ja).toMatch(JAPANESE);
    expect(DOCUMENT_CLASS_TEXT[documentClass].en).not.toMatch(JAPANESE);
  });
});

describe('isDocumentKind', () => {
  it.each([
    ['passport', true],
    ['my_number_card', true],
    ['Passport', false],
    ['juminhyo', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isDocumentKind(value)).toBe(expected);
  });
});
