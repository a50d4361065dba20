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
  attempt_seq: Generated<number>;
  last_success_seq: Generated<number>;
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
  attempt_seq: number | null;
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

export interface Database {
  municipalities: MunicipalityTable;
  residents: ResidentTable;
  cards: CardTable;
  pin_slots: PinSlotTable;
  certificates: CertificateTable;
  card_events: CardEventTable;
  certificate_authorities: CertificateAuthorityTable;
  api_tokens: ApiTokenTable;
}
