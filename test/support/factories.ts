import { randomInt } from 'node:crypto';
import { completeMyNumber } from '../../src/domain/my-number.js';

const used = new Set<string>();

// Test PINs (and values tests choose as new PINs) must not be refused as "part of the My Number".
const AVOID = ['4831', '7392', '5068', '6284', '5931', '2468'];

/** A valid My Number, unique within the test process (the check digit computed, DOMAIN.md §6). */
export function uniqueMyNumber(): string {
  for (;;) {
    const first11 = String(randomInt(10_000_000_000, 99_999_999_999));
    const myNumber = completeMyNumber(first11);
    if (!used.has(first11) && !AVOID.some((pin) => myNumber.includes(pin))) {
      used.add(first11);
      return myNumber;
    }
  }
}

export const PINS = { auth: '4831', sign: 'KAGIYA2468', assist: '7392', juki: '5068' } as const;

export function residentBody(overrides: Record<string, unknown> = {}) {
  return {
    municipalityCode: '111007',
    name: '山田 太郎',
    nameKana: 'ヤマダ タロウ',
    birthDate: '1980-05-14',
    sex: 'male',
    address: '埼玉県さいたま市浦和区常盤6丁目4番4号',
    myNumber: uniqueMyNumber(),
    ...overrides,
  };
}
