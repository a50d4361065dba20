import { sql, type Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// Certificate status for relying services (CRL and OCSP, RFC 5280 / RFC 6960). Adds only its own columns and table.
// - certificates.ca_id: the issuing CA (rows issued before this migration belong to the one card CA of their
//   algorithm); certificates.crl_reason: the RFC 5280 CRLReason of a revocation.
// - certificate_authorities.issues: which certificates a CA issues ('both' for the one CA of earlier versions);
//   the signing CA's status is for registered relying parties only.
// - ca_crls: per CA, a revision bumped by a trigger whenever a certificate's status changes (in the same
//   transaction, whatever code path changed it), and the newest CRL with its number. A CRL is rebuilt when its
//   revision is behind, so a change shows in the next request, from any server process.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
alter table certificates add column ca_id text;
alter table certificates add column crl_reason text;
update certificates set ca_id = 'card-ca-' || lower(cards.key_algorithm) from cards where cards.id = certificates.card_id and exists (select 1 from certificate_authorities a where a.id = 'card-ca-' || lower(cards.key_algorithm));
update certificates set crl_reason = case revocation_reason when 'address changed' then 'affiliationChanged' when 'reissued' then 'superseded' else 'unspecified' end where status = 'revoked';
create index certificates_ca_not_valid on certificates (ca_id) where status <> 'valid';
alter table certificate_authorities add column issues text not null default 'both' check (issues in ('auth', 'sign', 'both'));
create table ca_crls (
  ca_id text primary key references certificate_authorities(id),
  revision bigint not null default 0,
  crl_number bigint not null default 0,
  built_revision bigint,
  this_update timestamptz,
  next_update timestamptz,
  der bytea
);
`,
  );
  // One statement each: the function body holds semicolons that the script splitter would cut.
  await sql
    .raw(
      `create function kagiya_bump_crl_revision() returns trigger language plpgsql as $$
begin
  if new.ca_id is not null then
    insert into ca_crls (ca_id, revision) values (new.ca_id, 1)
    on conflict (ca_id) do update set revision = ca_crls.revision + 1;
  end if;
  return new;
end
$$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger certificates_crl_revision after update on certificates for each row
when (old.status is distinct from new.status or old.crl_reason is distinct from new.crl_reason
      or old.status_changed_at is distinct from new.status_changed_at)
execute function kagiya_bump_crl_revision()`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop trigger certificates_crl_revision on certificates;
drop function kagiya_bump_crl_revision();
drop table ca_crls;
alter table certificate_authorities drop column issues;
drop index certificates_ca_not_valid;
alter table certificates drop column crl_reason;
alter table certificates drop column ca_id;
`,
  );
}
