import type { Role } from '../domain/actor.js';
import type { CardStatus, CertStatus, CertView } from '../domain/card.js';
import type { CertKind, PinSlot } from '../domain/pin-slot.js';
import type { CrlReason } from '../domain/revocation.js';
import type { CertificateStatusStore } from './certificate-status.js';
import type { KioskResetStore } from './kiosk-reset-ports.js';
import type { RiskRules } from '../domain/risk.js';
import type { RiskStore } from './risk-ports.js';

// The interfaces use cases need. Adapters implement them; use cases never see SQL, HTTP or crypto libraries.

export type Clock = () => Date;

/** Where an attempt came from, as the caller states it (recorded on every card event). */
export type EventContext = Readonly<{
  channel: string | null;
  service: string | null;
  terminal: string | null;
  /** Staff or token that acted, for administrative events. */
  actor: string | null;
  /**
   * The caller's network address where Kagiya can tell it (adapters/http/client-address.ts): used to judge and block
   * a source (domain/risk.ts), never stored on the card event.
   */
  address?: string | null;
}>;

export type Sex = 'male' | 'female' | 'other';

export type Resident = Readonly<{
  id: string;
  municipalityCode: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: Sex;
  address: string;
  adultWard: boolean;
  myNumberMasked: string;
}>;

export type NewResidentRow = Resident &
  Readonly<{ myNumberSealed: Uint8Array; myNumberIndex: Uint8Array; createdAt: Date }>;

export type NewCertificateRow = Readonly<{
  id: string;
  kind: CertKind;
  serialHex: string;
  der: Uint8Array;
  sealedKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** The issuing CA (whose CRL and OCSP answers carry this certificate). */
  caId: string;
}>;

export type NewCardRow = Readonly<{
  id: string;
  residentId: string;
  keyHash: Uint8Array;
  issuedAt: Date;
  expiresAt: Date;
  keyAlgorithm: string;
  slots: ReadonlyArray<{ slot: PinSlot; pinHash: Uint8Array; maxTries: number }>;
  certificates: readonly NewCertificateRow[];
}>;

/** `held` / `released`: a risk hold placed or released (operations risk_hold / risk_release). */
export type CardEventResult = 'success' | 'incorrect' | 'refused' | 'done' | 'held' | 'released';

export type CardEvent = Readonly<{
  id: number;
  occurredAt: Date;
  operation: string;
  slot: PinSlot | null;
  result: CardEventResult;
  code: string | null;
  remainingAfter: number | null;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  actor: string | null;
}>;

export type NewCardEvent = Readonly<{
  cardId: string;
  occurredAt: Date;
  operation: string;
  slot: PinSlot | null;
  result: CardEventResult;
  code: string | null;
  remainingAfter?: number | null;
  context: EventContext;
  detail?: Readonly<Record<string, unknown>> | null;
}>;

/**
 * What one PIN entry did, as committed: `success` (the slot is back at its maximum), `incorrect` (one try spent;
 * `remaining` left), or `refused` with the code (nothing spent; `remaining` as the slot stood, if it exists).
 */
export type PinAttemptResult = Readonly<{
  eventId: number;
  result: 'success' | 'incorrect' | 'refused';
  code: string | null;
  remaining: number | null;
}>;

export type CardRecord = Readonly<{
  id: string;
  residentId: string;
  status: CardStatus;
  issuedAt: Date;
  expiresAt: Date;
  keyAlgorithm: string;
  statusChangedAt: Date | null;
  statusReason: string | null;
}>;

export type CardOverview = Readonly<{
  card: CardRecord;
  slots: Readonly<Partial<Record<PinSlot, { remaining: number; max: number; lockedAt: Date | null }>>>;
  certificates: Readonly<Partial<Record<CertKind, CertView & { id: string }>>>;
}>;

export interface CardStore {
  insertCard(card: NewCardRow, event: NewCardEvent): Promise<void>;
  /** The card if `keyHash` is its key; null for an unknown card or a wrong key alike. */
  findCardByKey(cardId: string, keyHash: Uint8Array): Promise<CardRecord | null>;
  findCard(cardId: string): Promise<CardRecord | null>;
  overview(cardId: string): Promise<CardOverview | null>;
  /** The overview in one round trip, if `keyHash` is the card's key (the status read, a hot path). */
  overviewByKey(cardId: string, keyHash: Uint8Array): Promise<CardOverview | null>;
  /**
   * One PIN entry in one atomic statement (DOMAIN.md §1): checks the card key, gates card, certificate and slot,
   * compares `pinHash` (null: the entry was malformed) with the stored hash, restores the slot to its maximum on a
   * match or spends one try where `remaining > 0`, and records the event with its final result, in one commit.
   * Returns null when the card is unknown or the key is wrong (nothing recorded).
   */
  attempt(input: {
    cardId: string;
    keyHash: Uint8Array;
    slot: PinSlot;
    pinHash: Uint8Array | null;
    /** The holder confirmed spending the slot's last try (issue #11); without it, an entry at one try left spends nothing. */
    confirmLastTry: boolean;
    operation: string;
    context: EventContext;
    now: Date;
  }): Promise<PinAttemptResult | null>;
  /** Writes a new PIN and restores the counter in one step (the only unlock, DOMAIN.md §4). */
  setPin(input: { cardId: string; slot: PinSlot; pinHash: Uint8Array; now: Date; event: NewCardEvent }): Promise<void>;
  recordEvent(event: NewCardEvent): Promise<void>;
  listEvents(cardId: string, options: { limit: number; beforeId?: number }): Promise<CardEvent[]>;
  /** `crlReason` is what relying services read for a revocation (RFC 5280 §5.3.1); a suspension is certificateHold. */
  setCardStatus(input: { cardId: string; status: CardStatus; certStatus: CertStatus; fromCertStatus: readonly CertStatus[]; reason: string; crlReason?: CrlReason; now: Date; event: NewCardEvent }): Promise<void>;
  revokeCertificate(input: { cardId: string; kind: CertKind; reason: string; crlReason?: CrlReason; now: Date; event: NewCardEvent }): Promise<boolean>;
  /** The sealed private key and DER of the card's current certificate of `kind`. */
  certificateKey(cardId: string, kind: CertKind): Promise<{ id: string; der: Uint8Array; sealedKey: Uint8Array; algorithm: string; serialHex: string } | null>;
  cardIdsOfResident(residentId: string): Promise<string[]>;
}

export interface ResidentStore {
  insert(resident: NewResidentRow): Promise<'ok' | 'duplicate_my_number'>;
  findById(id: string): Promise<Resident | null>;
  sealedMyNumber(id: string): Promise<Uint8Array | null>;
  updateAddress(input: { id: string; address: string; municipalityCode: string; now: Date }): Promise<void>;
  municipalityExists(code: string): Promise<boolean>;
  /** Name or kana contains `query`; scoped to one municipality unless null. */
  search(input: { query: string; municipalityCode: string | null; limit: number }): Promise<Resident[]>;
  findByMyNumberIndex(index: Uint8Array): Promise<Resident | null>;
}

export interface PinHasher {
  hash(cardId: string, slot: PinSlot, pin: string): Uint8Array;
  matches(cardId: string, slot: PinSlot, pin: string, stored: Uint8Array): boolean;
}

export interface MyNumberVault {
  seal(myNumber: string, residentId: string): Uint8Array;
  open(sealed: Uint8Array, residentId: string): string;
  /** Keyed hash for uniqueness and lookup without decrypting. */
  index(myNumber: string): Uint8Array;
}

export interface Secrets {
  newId(): string;
  /** A new card key: the secret half of the card file, shown once. */
  newCardKey(): string;
  hashCardKey(cardKey: string): Uint8Array;
}

export type CertificateHolder = Readonly<{
  name: string;
  nameKana: string;
  address: string;
  birthDate: string;
  sex: Sex;
}>;

/** A card's sealed private key and the algorithm it was made with. */
export type CardKey = Readonly<{ sealedKey: Uint8Array; algorithm: string; serialHex: string }>;

/** Key algorithms a card may be issued with; a card on a reader (OpenSC's JPKI driver) needs RSA-2048. */
export const CARD_KEY_ALGORITHMS = ['ECDSA-P256', 'RSA-2048'] as const;
export type CardKeyAlgorithm = (typeof CARD_KEY_ALGORITHMS)[number];

export interface CardPki {
  /** The default for cards issued without a choice. */
  readonly algorithm: CardKeyAlgorithm;
  issue(input: { kind: CertKind; holder: CertificateHolder; notBefore: Date; notAfter: Date; algorithm?: CardKeyAlgorithm }): Promise<{
    der: Uint8Array;
    sealedKey: Uint8Array;
    serialHex: string;
    caId: string;
  }>;
  signChallenge(key: CardKey, challenge: Uint8Array): Promise<Uint8Array>;
  signDigest(key: CardKey, digest: Uint8Array): Promise<Uint8Array>;
  /**
   * The card's COMPUTE DIGITAL SIGNATURE on a reader (jpki-apdu §2 Signing): PKCS#1 v1.5 type-1 padding of
   * `data` (a DigestInfo, or raw data of at most 245 bytes) and the RSA private-key operation. RSA keys only.
   */
  signPkcs1(key: CardKey, data: Uint8Array): Promise<Uint8Array>;
  /** DER of the CA certificate that issues certificates of this kind (the card's EF 000B / 0002). */
  caCertificate(kind: CertKind): Uint8Array;
}

/** Records a staff action in the audit trail (who, what, when, why). */
export type AuditLog = (entry: {
  actor: { id: string; role: string };
  action: string;
  target: { type: string; id: string; municipalityCode: string | null };
  reason?: string | null;
  detail?: Readonly<Record<string, unknown>>;
}) => Promise<void>;

/** Writes an integration's bearer token (only its hash is kept) and returns the token, shown once. */
export interface ApiTokenWriter {
  create(input: { id: string; label: string; role: Role; municipalityCode: string | null; now: Date }): Promise<string>;
}

/** The stores of one transaction: what a staff action writes and its audit entry commit together or not at all. */
export type TxDeps = AppDeps &
  Readonly<{
    apiTokens: ApiTokenWriter;
    revokeStaffSession(idHash: Uint8Array, now: Date): Promise<void>;
    /** Kiosk reset reservations (app/kiosk-reset-ports.ts), bound to the transaction. */
    kioskResets: KioskResetStore;
  }>;

export type AppDeps = Readonly<{
  clock: Clock;
  /**
   * Runs `work` in one database transaction, with every store (and `audit`) bound to it. Inside a transaction
   * already, it runs in that same transaction. Slow work (key generation, hashing) belongs before it.
   */
  atomically<T>(work: (tx: TxDeps) => Promise<T>): Promise<T>;
  audit: AuditLog;
  cards: CardStore;
  residents: ResidentStore;
  pinHasher: PinHasher;
  vault: MyNumberVault;
  secrets: Secrets;
  pki: CardPki;
  /** Current certificate status, shared by OCSP, CRL and card login (app/certificate-status.ts). */
  certificateStatuses: CertificateStatusStore;
  /** Risk detection's storage and its rules (domain/risk.ts; Config.riskRules). */
  risk: RiskStore;
  riskRules: RiskRules;
  /** Runs one PIN entry of a source with at most a few of that source's entries in flight (adapters/source-gate.ts). */
  sourceGate?: <T>(sourceKey: string | null, work: () => Promise<T>) => Promise<T>;
}>;
