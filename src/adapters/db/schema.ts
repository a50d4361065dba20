import type { ColumnType, Generated } from 'kysely';

// Row types as the database holds them (snake_case). Repositories map them to domain shapes.
// bytea arrives as Buffer from pg and Uint8Array from PGlite: treat it as Uint8Array.
type Bytes = Uint8Array;
type Timestamp = Date;
type DateOnly = ColumnType<Date | string, string, string>;

export interface MunicipalityTable {
  code: string;
  name_ja: string;
  name_en: string;
  prefecture_ja: string;
  created_at: Timestamp;
}

export interface ResidentTable {
  id: string;
  municipality_code: string;
  name: string;
  name_kana: string;
  birth_date: DateOnly;
  sex: 'male' | 'female' | 'other';
  address: string;
  adult_ward: boolean;
  my_number_enc: Bytes;
  my_number_index: Bytes;
  my_number_masked: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Where the holder's notifications go (migration 0013); null: none. */
  contact_email: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CardTable {
  id: string;
  resident_id: string;
  key_hash: Bytes;
  status: 'active' | 'suspended' | 'revoked';
  issued_at: Timestamp;
  expires_at: Timestamp;
  key_algorithm: string;
  status_changed_at: Timestamp | null;
  status_reason: string | null;
}

export interface PinSlotTable {
  card_id: string;
  slot: 'auth' | 'sign' | 'assist' | 'juki';
  pin_hash: Bytes;
  max_tries: number;
  remaining: number;
  locked_at: Timestamp | null;
  pin_set_at: Timestamp;
  updated_at: Timestamp;
}

export interface CertificateTable {
  id: string;
  card_id: string;
  kind: 'auth' | 'sign';
  serial_hex: string;
  der: Bytes;
  private_key_enc: Bytes;
  not_before: Timestamp;
  not_after: Timestamp;
  status: 'valid' | 'suspended' | 'revoked';
  status_changed_at: Timestamp | null;
  revocation_reason: string | null;
  current: boolean;
  /** Issuing CA (migration 0006). */
  ca_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** RFC 5280 CRLReason name of a revocation (migration 0006). */
  crl_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CardEventTable {
  id: Generated<number>;
  card_id: string;
  occurred_at: Timestamp;
  operation: string;
  slot: string | null;
  result: string;
  code: string | null;
  remaining_after: number | null;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  actor: string | null;
  detail: ColumnType<unknown, string | null, string | null> | null;
}

export interface CertificateAuthorityTable {
  id: string;
  algorithm: string;
  cert_der: Bytes;
  private_key_enc: Bytes;
  created_at: Timestamp;
  /** Which certificates the CA issues (migration 0006). */
  issues: ColumnType<'auth' | 'sign' | 'both', 'auth' | 'sign' | 'both' | undefined, never>;
}

export interface CaCrlTable {
  ca_id: string;
  revision: ColumnType<number, number | undefined, number>;
  crl_number: ColumnType<number, number | undefined, number>;
  built_revision: ColumnType<number | null, number | null | undefined, number | null>;
  this_update: Timestamp | null;
  next_update: Timestamp | null;
  der: Bytes | null;
}

export interface ApiTokenTable {
  id: string;
  token_hash: Bytes;
  label: string;
  role: string;
  municipality_code: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface StaffTable {
  id: string;
  login_id: string;
  name: string;
  role: string;
  municipality_code: string | null;
  password_hash: string;
  totp_secret_enc: Bytes;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  last_totp_step: number | null;
  created_at: Timestamp;
  disabled_at: Timestamp | null;
}

export interface StaffSessionTable {
  id_hash: Bytes;
  staff_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

type Json = ColumnType<unknown, string, string>;

export interface MunicipalPolicyTable {
  municipality_code: string;
  version: number;
  policy: Json;
  created_at: Timestamp;
  created_by: string;
  reason: string;
}

export interface ProcedureTable {
  id: string;
  municipality_code: string;
  resident_id: string;
  card_id: string | null;
  applicant_type: 'self' | 'legal_proxy' | 'voluntary_proxy';
  proxy_name: string | null;
  same_day: boolean;
  slots: Json;
  state: string;
  deadline: Timestamp | null;
  opened_at: Timestamp;
  opened_by: string;
  updated_at: Timestamp;
  history: Json;
  documents: Json;
  revision: number;
}

export interface InquiryLetterTable {
  id: string;
  procedure_id: string;
  municipality_code: string;
  reference_number: string;
  code_hash: Bytes;
  status: 'queued' | 'mailed' | 'answered' | 'expired' | 'cancelled' | 'undeliverable';
  address: string;
  holder_name: string;
  issued_at: Timestamp;
  deadline: Timestamp;
  status_changed_at: Timestamp;
  code_failures: Generated<number>;
  pdf: Bytes;
}

export interface PinPadSessionTable {
  token_hash: Bytes;
  procedure_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  /** Weak PINs refused on this pad; it closes at PIN_PAD_MAX_REFUSALS (migration 0022). */
  refusals: Generated<number>;
}

export interface AuditLogTable {
  seq: Generated<number>;
  occurred_at: Timestamp;
  actor_id: string;
  actor_role: string;
  municipality_code: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  detail: Json | null;
  prev_hash: Bytes;
  hash: Bytes;
}

export interface ReaderSessionTable {
  id: string;
  card_id: string;
  terminal: string;
  blocked_sw: string;
  selected_ap: string | null;
  selected_ef: string | null;
  verified_slots: string;
  opened_at: Timestamp;
  last_seen_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface RiskFailureTable {
  id: Generated<number>;
  source_key: string | null;
  address: string | null;
  service: string | null;
  card_id: string;
  occurred_at: Timestamp;
}

export interface RiskSourceBlockTable {
  source_key: string;
  rule: string;
  figures: Json;
  blocked_at: Timestamp;
  blocked_until: Timestamp;
  refused: Generated<number>;
  lifted_at: Timestamp | null;
  lifted_by: string | null;
}

export interface CardRiskHoldTable {
  id: string;
  card_id: string;
  rule: string;
  figures: Json;
  held_at: Timestamp;
  released_at: Timestamp | null;
  released_by: string | null;
  release_kind: 'counter' | 'holder' | null;
  release_reason: string | null;
}

export interface RiskServiceFlagTable {
  id: string;
  service: string;
  rule: string;
  figures: Json;
  flagged_at: Timestamp;
  updated_at: Timestamp;
  dismissed_at: Timestamp | null;
  dismissed_by: string | null;
}

export interface NotificationCursorTable {
  name: string;
  last_event_id: number;
}

export interface NotificationTable {
  id: string;
  card_id: string;
  resident_id: string;
  kind: string;
  dedupe_key: string;
  event_id: number | null;
  subject: string;
  body: string;
  status: 'queued' | 'sent' | 'failed' | 'no_address';
  recipient: string | null;
  transport: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface MassJobTable {
  id: string;
  operation: 'suspend' | 'restore';
  reason: string;
  scope: Json;
  state: 'queued' | 'running' | 'done' | 'cancelled';
  total: number;
  processed: Generated<number>;
  changed: Generated<number>;
  cursor: string | null;
  runs: Generated<number>;
  created_by: string;
  created_by_label: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
  /** Set when a national admin cancelled the job (migration 0023). */
  cancelled_by_label: ColumnType<string | null, string | null | undefined, string | null>;
  cancel_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ClientReportTable {
  id: Generated<number>;
  card_id: string | null;
  received_at: Timestamp;
  shown_code: string;
  app: string;
  app_version: string;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  slot: string | null;
  client_cause: string | null;
  source_kind: 'card_key' | 'holder_token' | 'relying_party';
  source_id: string;
  detail: ColumnType<unknown, string | null, string | null> | null;
}

export interface KioskResetReservationTable {
  id: string;
  card_id: string;
  slot: string;
  verified_slot: string;
  face_match: string;
  service: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  used_terminal: string | null;
  replaced_at: Timestamp | null;
}

export interface Database {
  municipalities: MunicipalityTable;
  residents: ResidentTable;
  cards: CardTable;
  pin_slots: PinSlotTable;
  certificates: CertificateTable;
  card_events: CardEventTable;
  certificate_authorities: CertificateAuthorityTable;
  ca_crls: CaCrlTable;
  api_tokens: ApiTokenTable;
  staff: StaffTable;
  staff_sessions: StaffSessionTable;
  municipal_policies: MunicipalPolicyTable;
  procedures: ProcedureTable;
  inquiry_letters: InquiryLetterTable;
  pin_pad_sessions: PinPadSessionTable;
  audit_log: AuditLogTable;
  reader_sessions: ReaderSessionTable;
  risk_failures: RiskFailureTable;
  risk_source_blocks: RiskSourceBlockTable;
  card_risk_holds: CardRiskHoldTable;
  risk_service_flags: RiskServiceFlagTable;
  notification_cursors: NotificationCursorTable;
  notifications: NotificationTable;
  mass_jobs: MassJobTable;
  client_reports: ClientReportTable;
  kiosk_reset_reservations: KioskResetReservationTable;
}
