import { z } from '@hono/zod-openapi';
import { VERDICT_CODES } from '../../domain/diagnosis.js';
import { DOCUMENT_KINDS } from '../../domain/identity-document.js';
import { APPLICANT_TYPES } from '../../domain/municipal-policy.js';
import { PIN_SLOTS } from '../../domain/pin-slot.js';
import { PROCEDURE_EVENT_TYPES, PROCEDURE_STATES } from '../../domain/procedure.js';

// Response schemas of the counter, staff and municipality routes: the shapes counter-views.ts produces. The counter
// console's types are generated from the OpenAPI document built from these (npm run gen:api), and contract tests
// parse real answers with them, so the document cannot drift from what the server sends.

const Iso = z.string().datetime();
const Slot = z.enum(PIN_SLOTS);

export const BilingualSchema = z.object({ ja: z.string(), en: z.string() }).openapi('Bilingual');

export const MunicipalitySchema = z
  .object({ code: z.string(), nameJa: z.string(), nameEn: z.string(), prefectureJa: z.string(), guidanceUrl: z.string() })
  .openapi('Municipality');

const DocumentRule = z.object({ cardRequired: z.boolean(), alternatives: z.array(z.object({ a: z.number().int(), b: z.number().int() })) });
export const MunicipalPolicySchema = z
  .object({
    municipalityCode: z.string(),
    version: z.number().int(),
    documents: z.object({ self: DocumentRule, legal_proxy: DocumentRule, voluntary_proxy: DocumentRule }),
    legalProxy: z.object({ proofOfAuthorityRequired: z.boolean(), sameDayWithoutPhotoId: z.boolean(), holderMustAttend: z.boolean() }),
    inquiryDeadlineDays: z.number().int(),
    counterHours: z.array(z.object({ days: BilingualSchema, open: z.string(), close: z.string() })),
    phone: z.string().nullable(),
    notes: BilingualSchema.openapi({ description: 'For staff: the research behind the policy; never on the guidance page' }),
    publicNotes: BilingualSchema.optional().openapi({ description: 'For residents, shown on the guidance page; absent when nothing' }),
  })
  .openapi('MunicipalPolicy');

export const ResidentSchema = z
  .object({
    id: z.string(),
    municipalityCode: z.string(),
    name: z.string(),
    nameKana: z.string(),
    birthDate: z.string(),
    sex: z.string(),
    address: z.string(),
    myNumberMasked: z.string().openapi({ description: 'e.g. **** **** 1234; the number itself never leaves the server' }),
  })
  .openapi('Resident');

export const ResidentHitSchema = ResidentSchema.extend({
  cards: z.array(z.object({ cardId: z.string(), status: z.enum(['active', 'suspended', 'revoked']), expiresAt: Iso })),
}).openapi('ResidentHit');

export const LetterStatusSchema = z.enum(['queued', 'mailed', 'answered', 'expired', 'cancelled', 'undeliverable']).openapi('LetterStatus');

export const LetterSchema = z
  .object({
    id: z.string(),
    procedureId: z.string(),
    municipalityCode: z.string(),
    referenceNumber: z.string(),
    status: LetterStatusSchema,
    holderName: z.string(),
    address: z.string(),
    issuedAt: Iso.nullable(),
    deadline: Iso.nullable(),
    statusChangedAt: Iso.nullable(),
    pdfUrl: z.string(),
  })
  .openapi('Letter');

const ProcedureState = z.enum(PROCEDURE_STATES);
const ProcedureStep = z.enum(PROCEDURE_EVENT_TYPES);
export const ProcedureSchema = z
  .object({
    id: z.string(),
    municipalityCode: z.string(),
    residentId: z.string(),
    applicantType: z.enum(APPLICANT_TYPES),
    proxyName: z.string().nullable(),
    sameDay: z.boolean(),
    slots: z.array(Slot),
    state: ProcedureState,
    allowedSteps: z.array(ProcedureStep),
    openedAt: Iso.nullable(),
    openedBy: z.string(),
    deadline: Iso.nullable(),
    cardId: z.string().nullable(),
    documents: z.array(z.object({ kinds: z.array(z.enum(DOCUMENT_KINDS)), holderPresent: z.boolean(), checkedBy: z.string(), at: z.string() })),
    history: z.array(z.object({ from: ProcedureState, to: ProcedureState, step: ProcedureStep, at: Iso.nullable(), by: z.string(), policyVersion: z.number().int() })),
    letter: LetterSchema.nullable().optional().openapi({ description: 'Only in GET …/procedures/{id}' }),
    resident: ResidentSchema.optional().openapi({ description: 'Only in GET …/procedures/{id}' }),
    pinPad: z
      .object({ state: z.enum(['open', 'used', 'expired', 'closed_weak_pins']), expiresAt: z.string(), refusals: z.number().int() })
      .nullable()
      .optional()
      .openapi({ description: "Only in GET …/procedures/{id}: the newest PIN pad's state (closed_weak_pins: closed after too many weak PINs), null if none was opened" }),
  })
  .openapi('Procedure');

const SlotView = z.object({ remaining: z.number().int(), max: z.number().int(), locked: z.boolean(), lockedAt: Iso.nullable() }).openapi('SlotView');
const CertificateView = z
  .object({
    status: z.enum(['valid', 'expired', 'revoked', 'suspended', 'absent']),
    notAfter: Iso.nullable(),
    serialNumber: z.string().nullable(),
    statusChangedAt: Iso.nullable(),
    reason: z.string().nullable(),
  })
  .openapi('CertificateView');
const Attempt = z
  .object({
    id: z.number().int(),
    occurredAt: Iso.nullable(),
    operation: z.string(),
    slot: Slot.nullable(),
    result: z.enum(['success', 'incorrect', 'refused', 'done', 'held', 'released']),
    code: z.string().nullable(),
    remainingAfter: z.number().int().nullable(),
    channel: z.string().nullable(),
    service: z.string().nullable(),
    terminal: z.string().nullable(),
    actor: z.string().nullable(),
  })
  .openapi('Attempt');

/** What clients reported showing, beside the record (issue 11). */
export const ClientReportSchema = z
  .object({
    id: z.number().int(),
    receivedAt: Iso,
    shownCode: z.string(),
    app: z.string(),
    appVersion: z.string(),
    channel: z.string().nullable(),
    service: z.string().nullable(),
    terminal: z.string().nullable(),
    slot: Slot.nullable(),
    clientCause: z.string().nullable(),
    class: z.enum(['agrees', 'mismatch', 'outage', 'unverifiable']),
  })
  .openapi('ClientReport');

export const ClientReportsSummarySchema = z
  .object({
    tally: z.object({ agrees: z.number().int(), mismatch: z.number().int(), outage: z.number().int(), unverifiable: z.number().int() }),
    mismatch: z
      .object({ app: z.string(), appVersion: z.string(), shownCode: z.string(), count: z.number().int(), others: z.number().int(), since: Iso, explanation: z.string(), text: BilingualSchema })
      .nullable(),
    reports: z.array(ClientReportSchema),
  })
  .openapi('ClientReportsSummary');

export const DiagnosisSchema = z
  .object({
    verdict: z.object({ code: z.enum(VERDICT_CODES), text: BilingualSchema }),
    findings: z.array(z.object({ code: z.string(), slot: Slot.nullable(), text: BilingualSchema })),
    lastSuccess: Iso.nullable(),
    failuresBySource: z.array(
      z.object({
        channel: z.string().nullable(),
        service: z.string().nullable(),
        terminal: z.string().nullable(),
        slot: Slot,
        failures: z.number().int(),
        lastAt: Iso.nullable(),
      }),
    ),
    card: z.object({ cardId: z.string(), status: z.enum(['active', 'suspended', 'revoked', 'expired']), issuedAt: Iso.nullable(), expiresAt: Iso.nullable() }),
    pins: z.object({ auth: SlotView.nullable(), sign: SlotView.nullable(), assist: SlotView.nullable(), juki: SlotView.nullable() }),
    certificates: z.object({ auth: CertificateView, sign: CertificateView }),
    attempts: z.array(Attempt),
    clientReports: ClientReportsSummarySchema,
    resident: ResidentSchema,
    riskHold: z
      .object({ id: z.string(), heldAt: Iso.nullable(), rule: z.string(), figures: z.record(z.string(), z.unknown()), explanation: BilingualSchema })
      .nullable()
      .openapi({ description: 'The active risk hold on online use (not a PIN lock); the counter may release it' }),
  })
  .openapi('Diagnosis');

export const PinPadViewSchema = z
  .object({
    holderName: z.string(),
    path: z.enum(['same_day', 'letter']).openapi({ description: 'letter: the proxy types the PINs written in the sealed answer' }),
    slots: z.array(z.object({ slot: Slot, nameJa: z.string(), nameEn: z.string(), digitsOnly: z.boolean() })),
  })
  .openapi('PinPadView');

export const PinPadOpenedSchema = z.object({ procedure: ProcedureSchema, pinPadUrl: z.string(), expiresAt: Iso }).openapi('PinPadOpened');
export const LetterIssuedSchema = z.object({ procedure: ProcedureSchema, letter: LetterSchema }).openapi('LetterIssued');
