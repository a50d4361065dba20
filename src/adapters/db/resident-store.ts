import type { Resident, ResidentStore } from '../../app/ports.js';
import type { Db } from './create-db.js';

const RESIDENT_COLUMNS = [
  'id', 'municipality_code', 'name', 'name_kana', 'birth_date', 'sex', 'address', 'adult_ward', 'my_number_masked',
] as const;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

function dateString(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString().slice(0, 10);
}

type ResidentRow = {
  id: string;
  municipality_code: string;
  name: string;
  name_kana: string;
  birth_date: Date | string;
  sex: Resident['sex'];
  address: string;
  adult_ward: boolean;
  my_number_masked: string;
};

function toResident(row: ResidentRow): Resident {
  return {
    id: row.id,
    municipalityCode: row.municipality_code,
    name: row.name,
    nameKana: row.name_kana,
    birthDate: dateString(row.birth_date),
    sex: row.sex,
    address: row.address,
    adultWard: row.adult_ward,
    myNumberMasked: row.my_number_masked,
  };
}

export function createResidentStore(db: Db): ResidentStore {
  return {
    async insert(r) {
      try {
        await db
          .insertInto('residents')
          .values({
            id: r.id,
            municipality_code: r.municipalityCode,
            name: r.name,
            name_kana: r.nameKana,
            birth_date: r.birthDate,
            sex: r.sex,
            address: r.address,
            adult_ward: r.adultWard,
            my_number_enc: r.myNumberSealed,
            my_number_index: r.myNumberIndex,
            my_number_masked: r.myNumberMasked,
            created_at: r.createdAt,
            updated_at: r.createdAt,
          })
          .execute();
        return 'ok';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate_my_number';
        throw error;
      }
    },

    async findById(id) {
      const row = await db.selectFrom('residents').select(RESIDENT_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? toResident(row) : null;
    },

    async search({ query, municipalityCode, limit }) {
      // LIKE wildcards in the query are escaped: a search for "%" finds a literal "%".
      const pattern = `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      let q = db
        .selectFrom('residents')
        .select(RESIDENT_COLUMNS)
        .where((eb) => eb.or([eb('name', 'like', pattern), eb('name_kana', 'like', pattern)]))
        .orderBy('name_kana')
        .limit(limit);
      if (municipalityCode !== null) q = q.where('municipality_code', '=', municipalityCode);
      return (await q.execute()).map(toResident);
    },

    async findByMyNumberIndex(index) {
      const row = await db.selectFrom('residents').select(RESIDENT_COLUMNS).where('my_number_index', '=', index).executeTakeFirst();
      return row ? toResident(row) : null;
    },

    async sealedMyNumber(id) {
      const row = await db.selectFrom('residents').select('my_number_enc').where('id', '=', id).executeTakeFirst();
      return row?.my_number_enc ?? null;
    },

    async updateAddress({ id, address, municipalityCode, now }) {
      await db
        .updateTable('residents')
        .set({ address, municipality_code: municipalityCode, updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    async municipalityExists(code) {
      const row = await db.selectFrom('municipalities').select('code').where('code', '=', code).executeTakeFirst();
      return row !== undefined;
    },
  };
}
