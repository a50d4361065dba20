import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderInquiryLetter, type InquiryLetterInput } from './inquiry-letter.js';

const yamada: InquiryLetterInput = {
  referenceNumber: 'SAI-2026-000123',
  oneTimeCode: '7KQ4-M92X',
  issuedOn: '2026-11-20',
  deadline: '2026-12-06',
  municipality: { code: '111007', nameJa: 'さいたま市', office: '浦和区役所 区民課', phone: '048-829-6048' },
  holder: { name: '山田 太郎', address: '埼玉県さいたま市浦和区常盤6丁目4番4号' },
  proxyName: '山田 花子',
  slots: ['auth', 'sign', 'assist', 'juki'],
};

/** Long enough everywhere that the reply part cannot fit under the inquiry on page 1. */
const verbose: InquiryLetterInput = {
  ...yamada,
  referenceNumber: 'SAI-2026-000999',
  municipality: {
    ...yamada.municipality,
    office:
      '浦和区役所 区民生活部 区民課 マイナンバーカード交付・暗証番号再設定専用窓口（浦和コムナーレ9階 浦和駅東口駅前市民活動サポートセンター隣）',
  },
  holder: {
    name: '寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末 太郎',
    address:
      '埼玉県さいたま市浦和区常盤6丁目4番4号 さいたま市役所前マンションエステート浦和常盤グランドレジデンス東棟1203号室（山田様方）',
  },
};

/** Text of each page, as a PDF reader extracts it (pdf.js), whitespace removed. */
async function extractPages(pdf: Uint8Array): Promise<string[]> {
  // pdf.js may transfer the buffer it is given: hand it a copy.
  const task = getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str : '')).join('');
      pages.push(text.replace(/\s+/gu, ''));
    }
    return pages;
  } finally {
    await task.destroy();
  }
}

const compact = (s: string) => s.replace(/\s+/gu, '');

function rawStream(dict: PDFDict, key: string): PDFRawStream {
  const stream = dict.lookup(PDFName.of(key));
  if (!(stream instanceof PDFRawStream)) throw new Error(`${key} is not a stream`);
  return stream;
}

describe('renderInquiryLetter', () => {
  let pdf: Uint8Array;
  let pages: string[];

  beforeAll(async () => {
    pdf = await renderInquiryLetter(yamada);
    pages = await extractPages(pdf);
  });

  it('produces a small one-page A4 PDF', async () => {
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    expect(pdf.byteLength).toBeLessThan(1024 * 1024);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo(595.28, 1);
    expect(height).toBeCloseTo(841.89, 1);
  });

  it('carries the envelope, the inquiry and the reply as extractable text', () => {
    const text = pages.join('');
    for (const expected of [
      '転送不要',
      yamada.holder.address,
      `${yamada.holder.name}様`,
      'SAI-2026-000123',
      '照会番号',
      '照会書兼回答書（マイナンバーカードの暗証番号の初期化・再設定）',
      '2026年11月20日',
      '回答期限2026年12月6日',
      '山田花子',
      '署名用電子証明書の暗証番号',
      '利用者証明用電子証明書の暗証番号',
      '券面事項入力補助用の暗証番号',
      '住民基本台帳用の暗証番号',
      '無料',
      '048-829-6048',
      '回答書',
      '照合コード',
      '7KQ4-M92X',
      '隠ぺい欄',
      '隠ぺいシール',
      '自署',
      '印',
      'さいたま市長',
    ]) {
      expect(text, expected).toContain(compact(expected));
    }
  });

  it('embeds a font subset whose glyphs are the original outlines, not just a ToUnicode map', async () => {
    // @pdf-lib/fontkit 1.1.1 wrote subsets in which about half the glyphs were blank while the text still
    // extracted perfectly; compare every embedded glyph with the one the font file has for that character.
    const require = createRequire(import.meta.url);
    const originals = new Map<string, fontkit.Font>();
    const original = (style: 'Regular' | 'Bold') => {
      let font = originals.get(style);
      if (font === undefined) {
        const file = require.resolve(
          `@expo-google-fonts/biz-udpgothic/${style === 'Bold' ? '700Bold' : '400Regular'}/BIZUDPGothic_${style === 'Bold' ? '700Bold' : '400Regular'}.ttf`,
        );
        font = fontkit.create(readFileSync(file)) as fontkit.Font;
        originals.set(style, font);
      }
      return font;
    };
    const box = (g: fontkit.Glyph) => {
      const b = g.path.bbox;
      return g.path.commands.length === 0 ? 'empty' : [b.minX, b.minY, b.maxX, b.maxY].map(Math.round).join(',');
    };

    const doc = await PDFDocument.load(pdf);
    let checked = 0;
    for (const [, obj] of doc.context.enumerateIndirectObjects()) {
      if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) continue;
      const baseFont = obj.get(PDFName.of('BaseFont'))?.toString() ?? '';
      const orig = original(baseFont.includes('Bold') ? 'Bold' : 'Regular');
      const cidFont = obj.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
      expect(cidFont.get(PDFName.of('CIDToGIDMap'))).toBe(PDFName.of('Identity'));
      const descriptor = cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict);
      const file = decodePDFRawStream(rawStream(descriptor, 'FontFile2')).decode();
      expect(file.byteLength).toBeLessThan(200_000); // a subset, not the 4.5 MB font
      const subset = fontkit.create(Buffer.from(file)) as fontkit.Font;
      const toUnicode = new TextDecoder().decode(
        decodePDFRawStream(rawStream(obj, 'ToUnicode')).decode(),
      );
      for (const [, cidHex, utf16Hex] of toUnicode.matchAll(/<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>/gu)) {
        if (cidHex === undefined || utf16Hex === undefined || cidHex.toLowerCase() === '0000') continue;
        const units = (utf16Hex.match(/.{4}/gu) ?? []).map((h) => Number.parseInt(h, 16));
        const char = String.fromCharCode(...units);
        const expected = orig.layout(char).glyphs[0];
        if (expected === undefined) throw new Error(`no glyph for ${char}`);
        const actual = subset.getGlyph(Number.parseInt(cidHex, 16));
        expect({ char, box: box(actual), advance: actual.advanceWidth }).toEqual({
          char,
          box: box(expected),
          advance: expected.advanceWidth,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('lists only the requested PIN slots', async () => {
    const text = (await extractPages(await renderInquiryLetter({ ...yamada, slots: ['juki', 'auth'] }))).join('');
    expect(text).toContain('利用者証明用電子証明書の暗証番号');
    expect(text).toContain('住民基本台帳用の暗証番号');
    expect(text).not.toContain('署名用電子証明書の暗証番号');
    expect(text).not.toContain('券面事項入力補助用の暗証番号');
  });

  it('says whom to call when there is no phone number, without printing one', async () => {
    const text = (
      await extractPages(
        await renderInquiryLetter({ ...yamada, municipality: { ...yamada.municipality, phone: null } }),
      )
    ).join('');
    expect(text).toContain(compact('さいたま市 浦和区役所 区民課へご連絡ください'));
    expect(text).not.toContain('048-829-6048');
    expect(text).not.toContain('（電話');
  });

  it('moves the reply to a second page when it does not fit, with the reference and deadline on both', async () => {
    const long = await renderInquiryLetter(verbose);
    const longPages = await extractPages(long);
    expect(longPages).toHaveLength(2);
    for (const page of longPages) {
      expect(page).toContain('SAI-2026-000999');
      expect(page).toContain('2026年12月6日');
    }
    expect(longPages[0]).toContain(compact(verbose.holder.address));
    expect(longPages[1]).toContain('7KQ4-M92X');
    expect(longPages[1]).toContain('隠ぺい欄');
  });

  it('refuses malformed input', async () => {
    await expect(renderInquiryLetter({ ...yamada, deadline: '2026-12-6' })).rejects.toThrow(RangeError);
    await expect(renderInquiryLetter({ ...yamada, deadline: '2026-02-30' })).rejects.toThrow(RangeError);
    await expect(renderInquiryLetter({ ...yamada, deadline: '2026-11-19' })).rejects.toThrow(/before/);
    await expect(renderInquiryLetter({ ...yamada, slots: [] })).rejects.toThrow(RangeError);
    await expect(renderInquiryLetter({ ...yamada, oneTimeCode: ' ' })).rejects.toThrow(RangeError);
  });

  it('refuses a character the font would print as an empty box', async () => {
    await expect(
      renderInquiryLetter({ ...yamada, holder: { ...yamada.holder, name: '山田 太郎\u{1F600}' } }),
    ).rejects.toThrow(/U\+1F600/);
  });
});
