// 住民票の写し as the kiosk prints it: an A4 PDF in Japanese, with pdf-lib and BIZ UDPGothic loaded the way
// the counter's inquiry letter loads it (src/adapters/pdf/letter-fonts.ts: upstream fontkit, subset on
// embedding, so text stays extractable and every glyph is drawn).

import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { fontkitForPdfLib, loadFontBytes, parseFont } from '../../src/adapters/pdf/letter-fonts.js';
import { jstDate, jstTime, toWareki } from './japanese-date.js';

export type JuminhyoInput = Readonly<{
  certificateNumber: string;
  issuedAt: Date;
  terminal: string;
  municipality: Readonly<{ code: string; nameJa: string }>;
  resident: Readonly<{ name: string; nameKana: string; birthDate: string; sex: 'male' | 'female' | 'other'; address: string }>;
}>;

const SEX_JA = { male: '男', female: '女', other: '(記載なし)' } as const;
const PAGE = { w: 595.28, h: 841.89 };
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.42, 0.42, 0.42);
const LINE = rgb(0.5, 0.5, 0.5);
const TINT = rgb(0.93, 0.95, 0.98);

/** Refuses text the font would print as empty boxes: a certificate must not drop a character of a name. */
function assertPrintable(fontBytes: Uint8Array, texts: readonly string[]): void {
  const font = parseFont(fontBytes);
  const missing = new Set<string>();
  for (const ch of texts.join('')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!/\s/u.test(ch) && !font.hasGlyphForCodePoint(cp)) missing.add(`U+${cp.toString(16).toUpperCase()}`);
  }
  if (missing.size > 0) throw new RangeError(`the certificate font cannot print: ${[...missing].join(', ')}`);
}

function centered(page: PDFPage, text: string, y: number, font: PDFFont, size: number) {
  page.drawText(text, { x: (PAGE.w - font.widthOfTextAtSize(text, size)) / 2, y, size, font, color: INK });
}

export async function renderJuminhyo(input: JuminhyoInput): Promise<Uint8Array> {
  const bytes = await loadFontBytes();
  const r = input.resident;
  const issuedOn = jstDate(input.issuedAt);
  const rows: ReadonlyArray<readonly [string, string]> = [
    ['氏名', r.name],
    ['フリガナ', r.nameKana],
    ['生年月日', `${toWareki(r.birthDate)}(${r.birthDate.replaceAll('-', '/')})`],
    ['性別', SEX_JA[r.sex]],
    ['住所', r.address],
    ['続柄', '本人'],
  ];
  const certification = 'この写しは、住民票の原本と相違ないことを証明する。';
  const mayor = `${input.municipality.nameJa}長`;
  assertPrintable(bytes.regular, [...rows.flat(), input.municipality.nameJa, input.certificateNumber, input.terminal]);

  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkitForPdfLib);
  doc.setTitle('住民票の写し', { showInWindowTitleBar: true });
  doc.setLanguage('ja-JP');
  doc.setProducer('Kagiya convenience-store kiosk');
  doc.setCreationDate(input.issuedAt);
  const regular = await doc.embedFont(bytes.regular, { subset: true });
  const bold = await doc.embedFont(bytes.bold, { subset: true });
  const page = doc.addPage([PAGE.w, PAGE.h]);

  centered(page, '住民票の写し', PAGE.h - 90, bold, 24);
  page.drawText(`交付番号 ${input.certificateNumber}`, { x: 60, y: PAGE.h - 130, size: 9, font: regular, color: GREY });
  page.drawText(`${input.municipality.nameJa}(${input.municipality.code})`, { x: 60, y: PAGE.h - 144, size: 9, font: regular, color: GREY });

  // The table: label column tinted, value column wide enough for a long address at 11 pt.
  const left = 60;
  const labelW = 100;
  const width = PAGE.w - 2 * left;
  const rowH = 34;
  let y = PAGE.h - 170;
  for (const [label, value] of rows) {
    page.drawRectangle({ x: left, y: y - rowH, width: labelW, height: rowH, color: TINT, borderColor: LINE, borderWidth: 0.6 });
    page.drawRectangle({ x: left + labelW, y: y - rowH, width: width - labelW, height: rowH, borderColor: LINE, borderWidth: 0.6 });
    page.drawText(label, { x: left + 10, y: y - rowH / 2 - 4, size: 11, font: bold, color: INK });
    let size = 12;
    while (size > 7 && regular.widthOfTextAtSize(value, size) > width - labelW - 20) size -= 0.5;
    page.drawText(value, { x: left + labelW + 10, y: y - rowH / 2 - 4, size, font: regular, color: INK });
    y -= rowH;
  }

  y -= 50;
  page.drawText(certification, { x: left, y, size: 12, font: regular, color: INK });
  y -= 30;
  page.drawText(toWareki(issuedOn), { x: left, y, size: 12, font: regular, color: INK });
  page.drawText(mayor, { x: PAGE.w - left - bold.widthOfTextAtSize(mayor, 14) - 50, y: y - 30, size: 14, font: bold, color: INK });
  // The seal (公印): a red square with the office name, as printed on issued copies.
  const sealX = PAGE.w - left - 44;
  page.drawRectangle({ x: sealX, y: y - 44, width: 40, height: 40, borderColor: rgb(0.78, 0.1, 0.1), borderWidth: 1.5 });
  page.drawText('公印', { x: sealX + 8, y: y - 29, size: 11, font: bold, color: rgb(0.78, 0.1, 0.1) });

  const foot = `コンビニ交付(証明書自動交付) 交付日時 ${issuedOn.replaceAll('-', '/')} ${jstTime(input.issuedAt)}(日本時間) 端末 ${input.terminal}`;
  page.drawLine({ start: { x: left, y: 80 }, end: { x: PAGE.w - left, y: 80 }, thickness: 0.5, color: LINE });
  page.drawText(foot, { x: left, y: 64, size: 8, font: regular, color: GREY });
  page.drawText('この証明書はデモ用であり、公的な証明書ではありません。 / A demonstration, not an official certificate.', { x: left, y: 50, size: 8, font: regular, color: GREY });
  return doc.save();
}
