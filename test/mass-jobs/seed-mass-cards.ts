import pg from 'pg';

/**
 * Seeds `count` residents in `municipalityCode`, each with an active card and two current valid certificates, set-based
 * (a few INSERT … SELECT over generate_series, as bench/lib/seed.ts does). Every row copies the template card's
 * My Number ciphertext, key algorithm and certificate bodies; ids, serials and card keys are derived from n. For
 * status changes only: these cards cannot verify a PIN (they have no PIN slots).
 */
export async function seedMassCards(url: string, input: { templateCardId: string; municipalityCode: string; count: number }): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const id = (prefix: string) => `md5('${prefix}:' || n)::uuid`;
  try {
    await client.query('begin');
    await client.query('set local synchronous_commit = off');
    await client.query(
      `insert into residents (id, municipality_code, name, name_kana, birth_date, sex, address, adult_ward, my_number_enc, my_number_index,
                              my_number_masked, created_at, updated_at)
       select ${id('mass-resident')}, $2, '一斉 太郎', 'イッセイ タロウ', date '1980-05-14', 'male', '埼玉県狭山市入間川1丁目23番5号', false,
              r.my_number_enc, uuid_send(${id('mass-resident')}), '********' || lpad((n % 10000)::text, 4, '0'), now(), now()
       from generate_series(1, $3::int) n, (select my_number_enc from residents where id = (select resident_id from cards where id = $1)) r`,
      [input.templateCardId, input.municipalityCode, input.count],
    );
    await client.query(
      `insert into cards (id, resident_id, key_hash, status, issued_at, expires_at, key_algorithm)
       select ${id('mass-card')}, ${id('mass-resident')}, sha256(convert_to('mass-card-key:' || n, 'UTF8')), 'active', t.issued_at, t.expires_at, t.key_algorithm
       from generate_series(1, $2::int) n, (select issued_at, expires_at, key_algorithm from cards where id = $1) t`,
      [input.templateCardId, input.count],
    );
    await client.query(
      `insert into certificates (id, card_id, kind, serial_hex, der, private_key_enc, not_before, not_after, status, current, ca_id)
       select md5('mass-cert:' || t.kind || ':' || n)::uuid, ${id('mass-card')}, t.kind, md5('mass-serial:' || t.kind || ':' || n),
              t.der, t.private_key_enc, t.not_before, t.not_after, 'valid', true, t.ca_id
       from generate_series(1, $2::int) n,
            (select kind, der, private_key_enc, not_before, not_after, ca_id from certificates where card_id = $1 and current) t`,
      [input.templateCardId, input.count],
    );
    await client.query('commit');
    await client.query('analyze residents; analyze cards; analyze certificates');
  } finally {
    await client.end();
  }
}
