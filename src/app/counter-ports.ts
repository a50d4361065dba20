import type { StaffRole } from '../domain/actor.js';
import type { MunicipalPolicy } from '../domain/municipal-policy.js';
import type { Procedure } from '../domain/procedure.js';
import type { DocumentKind } from '../domain/identity-document.js';
import type { PinSlot } from '../domain/pin-slot.js';
import type { AppDeps, CardStore, EventContext, ResidentStore } from './ports.js';
import type { ClientReportStore, ReportLimits } from './client-report-ports.js';

// Ports of the municipal counter (DOMAIN.md §3–4). Everything a counter step writes goes through one
// CounterUnitOfWork.run, so the step, the PIN reset and its audit entry commit together or not at all.

export type AuditEntry = Readonly<{
  occurredAt: Date;
  actorId: string;
  actorRole: string;
  municipalityCode: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  detail?: Readonly<Record<string, unknown>> | null;
}>;
export type AuditRecord = AuditEntry & Readonly<{ seq: number; hash: string; intact: boolean }>;

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  list(filter: { municipalityCode?: string; targetId?: string; limit: number; beforeSeq?: number }): Promise<AuditRecord[]>;
  verifyChain(): Promise<{ ok: boolean; checked: number; brokenAt?: number }>;
}

/** What the card events' own hash chain check found (migration 0010): the first events and cards it breaks at. */
export type CardEventChainReport = Readonly<{
  ok: boolean;
  checked: number;
  broken: ReadonlyArray<Readonly<{ cardId: string; eventId: number | null; reason: 'content' | 'order' | 'head' | 'unchained' }>>;
}>;

export type StaffAccount = Readonly<{
  id: string;
  loginId: string;
  name: string;
  role: StaffRole;
  municipalityCode: string | null;
  passwordHash: string;
  totpSecretSealed: Uint8Array;
  failedLogins: number;
  lockedUntil: Date | null;
  lastTotpStep: number | null;
  disabledAt: Date | null;
}>;

export interface StaffStore {
  findByLogin(loginId: string): Promise<StaffAccount | null>;
  create(input: { id: string; loginId: string; name: string; role: StaffRole; municipalityCode: string | null; passwordHash: string; totpSecretSealed: Uint8Array; now: Date }): Promise<void>;
  /** Counts a failed sign-in; locks until `lockUntil` when given. Returns the consecutive failures. */
  recordFailure(id: string, lockUntil: Date | null): Promise<number>;
  recordSuccess(id: string, totpStep: number): Promise<void>;
  createSession(input: { idHash: Uint8Array; staffId: string; now: Date; expiresAt: Date }): Promise<void>;
  findSession(idHash: Uint8Array, now: Date): Promise<StaffAccount | null>;
  revokeSession(idHash: Uint8Array, now: Date): Promise<void>;
}

export interface PolicyStore {
  current(municipalityCode: string): Promise<MunicipalPolicy | null>;
  save(input: { policy: MunicipalPolicy; createdBy: string; reason: string; now: Date }): Promise<void>;
  history(municipalityCode: string): Promise<Array<{ version: number; createdAt: Date; createdBy: string; reason: string }>>;
}

export type PresentedDocuments = Readonly<{ kinds: readonly DocumentKind[]; holderPresent: boolean; checkedBy: string; at: string }>;
export type ProcedureRecord = Readonly<{
  procedure: Procedure;
  cardId: string | null;
  proxyName: string | null;
  documents: readonly PresentedDocuments[];
  revision: number;
}>;

export interface ProcedureStore {
  insert(record: ProcedureRecord): Promise<void>;
  /** Reads and locks the row for the rest of the transaction. */
  getForUpdate(id: string): Promise<ProcedureRecord | null>;
  get(id: string): Promise<ProcedureRecord | null>;
  /** Writes a new revision; fails if another step changed the row first. */
  update(record: ProcedureRecord): Promise<void>;
  list(filter: { municipalityCode: string | null; open: boolean; limit: number }): Promise<ProcedureRecord[]>;
}

export type LetterStatus = 'queued' | 'mailed' | 'answered' | 'expired' | 'cancelled' | 'undeliverable';
export type InquiryLetter = Readonly<{
  id: string;
  procedureId: string;
  municipalityCode: string;
  referenceNumber: string;
  codeHash: Uint8Array;
  status: LetterStatus;
  address: string;
  holderName: string;
  issuedAt: Date;
  deadline: Date;
  statusChangedAt: Date;
  codeFailures: number;
}>;

export interface LetterStore {
  insert(letter: InquiryLetter & { pdf: Uint8Array }): Promise<void>;
  get(id: string): Promise<InquiryLetter | null>;
  byProcedure(procedureId: string): Promise<InquiryLetter | null>;
  pdf(id: string): Promise<Uint8Array | null>;
  setStatus(id: string, status: LetterStatus, now: Date): Promise<void>;
  /** Counts a wrong one-time code; returns the failures so far. */
  recordCodeFailure(id: string): Promise<number>;
  list(filter: { municipalityCode: string | null; statuses: readonly LetterStatus[]; limit: number }): Promise<InquiryLetter[]>;
  nextReferenceSerial(municipalityCode: string, year: number): Promise<number>;
}

export interface PinPadStore {
  create(input: { tokenHash: Uint8Array; procedureId: string; now: Date; expiresAt: Date }): Promise<void>;
  /** The procedure of a live, unused session, or null. */
  find(tokenHash: Uint8Array, now: Date): Promise<string | null>;
  markUsed(tokenHash: Uint8Array, now: Date): Promise<boolean>;
  /** Closes the procedure's live pads (a new one is being opened): their addresses stop working. */
  closeOpen(procedureId: string, now: Date): Promise<void>;
  /**
   * Counts a weak PIN refused on a live pad; at `max` the pad closes. Null when the pad is not live.
   */
  recordRefusal(tokenHash: Uint8Array, now: Date, max: number): Promise<{ procedureId: string; refusals: number; closed: boolean } | null>;
  /** The procedure's newest pad, whatever became of it (for the console), or null if none was opened. */
  latest(procedureId: string): Promise<{ expiresAt: Date; usedAt: Date | null; refusals: number } | null>;
}

export interface PinResetStore {
  /** New PINs and full counters for several slots in one step (DOMAIN.md §4). */
  resetPins(input: { cardId: string; pins: ReadonlyArray<{ slot: PinSlot; pinHash: Uint8Array }>; now: Date; context: EventContext; procedureId: string }): Promise<void>;
}

/**
 * Stores bound to one transaction. Reads inside a counter step go through these, never through the app-wide
 * stores: the embedded database has a single connection, which the transaction holds until it ends.
 */
export type CounterStores = Readonly<{
  /** Reads only: the card store's own writes open transactions of their own. */
  cards: Pick<CardStore, 'findCardByKey' | 'findCard' | 'overview'>;
  residents: Pick<ResidentStore, 'findById' | 'sealedMyNumber'>;
  municipality(code: string): Promise<{ nameJa: string; nameEn: string; prefectureJa: string } | null>;
  procedures: ProcedureStore;
  letters: LetterStore;
  pinPads: PinPadStore;
  audit: AuditStore;
  policies: PolicyStore;
  resets: PinResetStore;
}>;

export interface CounterUnitOfWork {
  /** A step that may change rows and append to the audit log, in one transaction. */
  run<T>(work: (stores: CounterStores) => Promise<T>): Promise<T>;
  /** Reads only: nothing changed, nothing audited (it does not wait for audited steps). */
  read<T>(work: (stores: CounterStores) => Promise<T>): Promise<T>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface TotpVerifier {
  newSecret(): string;
  /** The time step the code belongs to (±1 step of drift), or null. */
  verify(secret: string, code: string, now: Date): number | null;
}

export type LetterInput = Readonly<{
  referenceNumber: string;
  oneTimeCode: string;
  issuedOn: string;
  deadline: string;
  municipality: Readonly<{ code: string; nameJa: string; office: string; phone: string | null }>;
  holder: Readonly<{ name: string; address: string }>;
  proxyName: string;
  slots: readonly PinSlot[];
}>;

export interface LetterRenderer {
  render(input: LetterInput): Promise<Uint8Array>;
}

export interface CounterSecrets {
  /** A URL-safe random token (PIN pad sessions, staff sessions). */
  newToken(): string;
  hashToken(token: string): Uint8Array;
  /** A one-time code printed on an inquiry letter: 8 characters, unambiguous. */
  newLetterCode(): string;
  hashLetterCode(code: string, letterId: string): Uint8Array;
  sealTotpSecret(secret: string, staffId: string): Uint8Array;
  openTotpSecret(sealed: Uint8Array, staffId: string): string;
}

export type CounterDeps = AppDeps &
  Readonly<{
    staff: StaffStore;
    counter: CounterUnitOfWork;
    passwords: PasswordHasher;
    totp: TotpVerifier;
    letters: LetterRenderer;
    counterSecrets: CounterSecrets;
    /** Re-checks every card's event chain; reads the whole table (a deliberate call, national roles). */
    verifyCardEventChain(): Promise<CardEventChainReport>;
    municipalityName(code: string): Promise<{ nameJa: string; nameEn: string; prefectureJa: string } | null>;
    listMunicipalities(): Promise<Array<{ code: string; nameJa: string; nameEn: string; prefectureJa: string }>>;
    /** What clients showed people when they refused them (issue 11); never part of a PIN entry. */
    clientReports: ClientReportStore;
    clientReportLimits: ReportLimits;
  }>;
