// JSON shapes of the counter API (src/adapters/http/counter-views.ts): dates as ISO strings.
import type { CardState, CardStatus, CertState } from '@domain/card';
import type { VerdictCode, FindingCode, AttemptResult } from '@domain/diagnosis';
import type { DocumentKind } from '@domain/identity-document';
import type { ApplicantType, Bilingual, MunicipalPolicy } from '@domain/municipal-policy';
import type { PinSlot } from '@domain/pin-slot';
import type { ProcedureEventType, ProcedureState } from '@domain/procedure';

export type { ApplicantType, Bilingual, CardState, DocumentKind, MunicipalPolicy, PinSlot, ProcedureEventType, ProcedureState };

export type Staff = Readonly<{ id: string; name: string; role: string; municipalityCode: string | null }>;

export type Municipality = Readonly<{ code: string; nameJa: string; nameEn: string; prefectureJa: string; guidanceUrl: string }>;

export type Resident = Readonly<{
  id: string;
  municipalityCode: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: string;
  address: string;
  myNumberMasked: string;
}>;

export type ResidentHit = Resident & Readonly<{ cards: ReadonlyArray<{ cardId: string; status: CardStatus; expiresAt: string }> }>;

export type SlotView = Readonly<{ remaining: number; max: number; locked: boolean; lockedAt: string | null }>;
export type CertificateView = Readonly<{ status: CertState; notAfter: string | null; serialNumber: string | null; statusChangedAt: string | null; reason: string | null }>;

export type Attempt = Readonly<{
  id: number;
  occurredAt: string;
  operation: string;
  slot: PinSlot | null;
  result: AttemptResult;
  code: string | null;
  remainingAfter: number | null;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  actor: string | null;
}>;

export type Diagnosis = Readonly<{
  verdict: Readonly<{ code: VerdictCode; text: Bilingual }>;
  findings: ReadonlyArray<{ code: FindingCode; slot: PinSlot | null; text: Bilingual }>;
  lastSuccess: string | null;
  failuresBySource: ReadonlyArray<{
    channel: string | null;
    service: string | null;
    terminal: string | null;
    slot: PinSlot;
    failures: number;
    lastAt: string;
  }>;
  card: Readonly<{ cardId: string; status: CardState; issuedAt: string; expiresAt: string }>;
  pins: Readonly<Record<PinSlot, SlotView | null>>;
  certificates: Readonly<{ auth: CertificateView; sign: CertificateView }>;
  attempts: ReadonlyArray<Attempt>;
  resident: Resident;
}>;

export type LetterStatus = 'queued' | 'mailed' | 'answered' | 'expired' | 'cancelled' | 'undeliverable';

export type Letter = Readonly<{
  id: string;
  procedureId: string;
  municipalityCode: string;
  referenceNumber: string;
  status: LetterStatus;
  holderName: string;
  address: string;
  issuedAt: string | null;
  deadline: string | null;
  statusChangedAt: string | null;
  pdfUrl: string;
}>;

export type Procedure = Readonly<{
  id: string;
  municipalityCode: string;
  residentId: string;
  applicantType: ApplicantType;
  proxyName: string | null;
  sameDay: boolean;
  slots: ReadonlyArray<PinSlot>;
  state: ProcedureState;
  allowedSteps: ReadonlyArray<ProcedureEventType>;
  openedAt: string | null;
  openedBy: string;
  deadline: string | null;
  cardId: string | null;
  documents: ReadonlyArray<{ kinds: ReadonlyArray<DocumentKind>; holderPresent: boolean; checkedBy: string; at: string }>;
  history: ReadonlyArray<{ from: ProcedureState; to: ProcedureState; step: ProcedureEventType; at: string | null; by: string; policyVersion: number }>;
  letter?: Letter | null;
  resident?: Resident;
}>;

export type PinPadView = Readonly<{ holderName: string; slots: ReadonlyArray<{ slot: PinSlot; nameJa: string; nameEn: string; digitsOnly: boolean }> }>;
