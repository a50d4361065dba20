import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { toWareki } from './japanese-date.js';
import { renderJuminhyo, type JuminhyoInput } from './juminhyo-pdf.js';

const input: JuminhyoInput = {
  certificateNumber: 'K-20261202-0001',
  issuedAt: new Date('2026-12-02T03:15:00Z'),
  terminal: 'store-0421-MMK1',
  municipality: { code: '111007', nameJa: 'さいたま市' },
  resident: { name: '山田 太郎', nameKana: 'ヤマダ タロウ', birthDate: '1980-05-14', sex: 'male', address: '埼玉県さいたま市浦和区常盤6丁目4番4号' },
};

async function text(pdf: Uint8Array): Promise<string> {
  const task = getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false });
  const doc = await task.promise;
  try {
    const content = await (await doc.getPage(1)).getTextContent();
    return content.items.map((i) => ('str' in i ? i.str : '')).join('').replace(/\s+/gu, '');
  } finally {
    await task.destroy();
  }
}

describe('住民票の写し (PDF)', () => {
  it('prints the resident, the certification, the date in the Japanese era and the kiosk terminal', async () => {
    const pdf = await renderJuminhyo(input);
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const t = await text(pdf);
    for (const expected of ['住民票の写し', '山田太郎', 'ヤマダタロウ', '昭和55年5月14日', '男', '埼玉県さいたま市浦和区常盤6丁目4番4号', 'この写しは、住民票の原本と相違ないことを証明する。', '令和8年12月2日', 'さいたま市長', 'store-0421-MMK1', '12:15']) {
      expect(t).toContain(expected.replace(/\s+/gu, ''));
    }
    // A subset font keeps the certificate small.
    expect(pdf.length).toBeLessThan(150_000);
  });

  it('refuses a name the font cannot print rather than dropping a character', async () => {
    await expect(renderJuminhyo({ ...input, resident: { ...input.resident, name: '山田 \uE000' } })).rejects.toThrow(/cannot print/);
  });

  it.each([
    ['2019-05-01', '令和元年5月1日'],
    ['2019-04-30', '平成31年4月30日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1926-12-25', '昭和元年12月25日'],
  ])('writes %s as %s', (iso, wareki) => {
    expect(toWareki(iso)).toBe(wareki);
  });
});
