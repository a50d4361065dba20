import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// The kiosk reset (DOMAIN.md §4): a reservation made in the portal (card + the other certificate PIN + a face match)
// is used once, within 24 hours, at a kiosk. A newer reservation replaces an open older one (`replaced_at`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table kiosk_reset_reservations (
  id uuid primary key,
  card_id uuid not null references cards(id),
  slot text not null check (slot in ('sign', 'auth')),
  verified_slot text not null check (verified_slot in ('sign', 'auth') and verified_slot <> slot),
  face_match text not null check (face_match = 'matched'),
  service text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  used_terminal text,
  replaced_at timestamptz,
  check (expires_at > created_at)
);

create index kiosk_reset_reservations_card on kiosk_reset_reservations (card_id, created_at desc);
`,
  );
}
