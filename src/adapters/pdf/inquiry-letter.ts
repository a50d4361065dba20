/**
 * 照会書兼回答書: the letter mailed (転送不要) to a card holder's registered address when a voluntary proxy
 * (任意代理人) asks at the counter to re-set the holder's PINs (DOMAIN.md §4, jpki-facts.md §2.2).
 *
 * The top half is the inquiry: who asked, when, for which PIN slots, what to do, and by when. The bottom
 * half is the reply: the one-time code the counter matches against its record, a concealed area (隠ぺい欄)
 * where the holder writes the new PIN(s) and covers them with a seal sticker, and the holder's signature
 * and seal. The proxy brings the sheet, the card and their own ID on the second visit, before the deadline.
 *
 * Rendering: pdf-lib with BIZ UDPGothic (Morisawa, SIL OFL 1.1, shipped as TTF in
 * @expo-google-fonts/biz-udpgothic). The font is subset on embedding, so a letter stays in the tens of KB;
 * pdf-lib writes a ToUnicode map for it, so the text can be extracted and searched.
 *
 * The font engine is upstream `fontkit` 2, not pdf-lib's fork `@pdf-lib/fontkit`: the fork (1.1.1, last
 * published 2020) writes TrueType subsets with a short `loca` table and odd glyph offsets, so about half the
 * glyphs of a Japanese font come out blank while text extraction still "works" (Hopding/pdf-lib#1232,
 * fixed upstream in foliojs/fontkit#191). See letter-fonts.ts.
 */
import type * as fontkit from 'fontkit';
import { fontkitForPdfLib, loadFontBytes, parseFont } from './letter-fonts.js';
import { PDFDocument } from 'pdf-lib';
import {
  CONCEALED_FILL,
  CONTENT_W,
  FOOTER_Y,
  GREY,
  INK,
  MARGIN_TOP,
  MARGIN_X,
  PAGE_H,
  PAGE_W,
  RED,
  RULE,
  Sheet,
  WHITE,
  fitText,
  wrapText,
  type Fonts,
  type TextStyle,
} from './pdf-sheet.js';

export type InquiryLetterSlot = 'auth' | 'sign' | 'assist' | 'juki';

export type InquiryLetterInput = Readonly<{
  referenceNumber: string;
  oneTimeCode: string;
  issuedOn: string /* YYYY-MM-DD */;
  deadline: string /* YYYY-MM-DD */;
  municipality: Readonly<{ code: string; nameJa: string; office: string; phone: string | null }>;
  holder: Readonly<{ name: string; address: string }>;
  proxyName: string;
  slots: ReadonlyArray<InquiryLetterSlot>;
}>;

/** Refuses text the font would print as empty boxes (e.g. a 外字 in a name): an official letter must not. */
function assertPrintable(font: fontkit.Font, input: InquiryLetterInput): void {
  const texts = [
    input.referenceNumber,
    input.oneTimeCode,
    input.proxyName,
    input.holder.name,
    input.holder.address,
    input.municipality.code,
    input.municipality.nameJa,
    input.municipality.office,
    input.municipality.phone ?? '',
  ];
  const missing = new Set<string>();
  for (const text of texts) {
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      if (!/\s/u.test(ch) && !font.hasGlyphForCodePoint(cp)) {
        missing.add(`${ch} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`);
      }
    }
  }
  if (missing.size > 0) throw new RangeError(`the letter font cannot print: ${[...missing].join(', ')}`);
}

// ---------------------------------------------------------------------------------------------------------
// Wording.

const SLOT_ORDER: readonly InquiryLetterSlot[] = ['sign', 'auth', 'assist', 'juki'];

const SLOT_TEXT: Readonly<Record<InquiryLetterSlot, Readonly<{ nameJa: string; format: string; boxes: number }>>> = {
  sign: { nameJa: '署名用電子証明書の暗証番号', format: '英数字6〜16文字', boxes: 16 },
  auth: { nameJa: '利用者証明用電子証明書の暗証番号', format: '数字4桁', boxes: 4 },
  assist: { nameJa: '券面事項入力補助用の暗証番号', format: '数字4桁', boxes: 4 },
  juki: { nameJa: '住民基本台帳用の暗証番号', format: '数字4桁', boxes: 4 },
};

const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'] as const;

type CalendarDate = Readonly<{ year: number; month: number; day: number; weekday: number }>;

function parseDate(field: string, value: string): CalendarDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m === null) throw new RangeError(`${field} must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new RangeError(`${field} is not a calendar date: ${value}`);
  }
  return { year, month, day, weekday: date.getUTCDay() };
}

/** 2026年12月6日（日） */
function formatDateJa(d: CalendarDate): string {
  return `${d.year}年${d.month}月${d.day}日（${WEEKDAYS_JA[d.weekday] ?? ''}）`;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering.

type Prepared = Readonly<{
  input: InquiryLetterInput;
  slots: readonly InquiryLetterSlot[];
  issued: string;
  deadline: string;
  contact: string;
}>;

function prepare(input: InquiryLetterInput): Prepared {
  const slots = SLOT_ORDER.filter((s) => input.slots.includes(s));
  if (slots.length === 0) throw new RangeError('an inquiry letter needs at least one PIN slot');
  for (const [field, value] of [
    ['referenceNumber', input.referenceNumber],
    ['oneTimeCode', input.oneTimeCode],
    ['holder.name', input.holder.name],
    ['holder.address', input.holder.address],
    ['proxyName', input.proxyName],
    ['municipality.nameJa', input.municipality.nameJa],
    ['municipality.office', input.municipality.office],
  ] as const) {
    if (value.trim() === '') throw new RangeError(`${field} must not be empty`);
  }
  const issued = parseDate('issuedOn', input.issuedOn);
  const deadline = parseDate('deadline', input.deadline);
  if (input.deadline < input.issuedOn) throw new RangeError('deadline is before issuedOn');
  const { nameJa, office, phone } = input.municipality;
  const where = office.startsWith(nameJa) ? office : `${nameJa} ${office}`;
  return {
    input,
    slots,
    issued: formatDateJa(issued),
    deadline: formatDateJa(deadline),
    contact: phone === null || phone.trim() === '' ? where : `${where}（電話 ${phone.trim()}）`,
  };
}

function drawHeader(s: Sheet, p: Prepared): void {
  const { input } = p;
  const { municipality: m } = input;
  // Envelope window (left): 転送不要, registered address, name.
  const winX = MARGIN_X + 8;
  const winTop = MARGIN_TOP + 18;
  const winW = 270;
  const markW = s.width('転送不要', { size: 11, bold: true }) + 14;
  s.rect(winX, winTop, markW, 19, { border: RED, width: 1.2 });
  s.text('転送不要', winX + 7, winTop + 4, { size: 11, bold: true, color: RED });
  let top = winTop + 30;
  for (const line of wrapText(input.holder.address, s.fonts.regular, 11, winW)) {
    s.text(line, winX, top, { size: 11 });
    top += 16;
  }
  top += 6;
  const name = input.holder.name;
  const nameSize = s.width(`${name} 様`, { size: 15, bold: true }) <= winW ? 15 : 12;
  for (const line of wrapText(`${name} 様`, s.fonts.bold, nameSize, winW)) {
    s.text(line, winX, top, { size: nameSize, bold: true });
    top += nameSize * 1.4;
  }
  const windowBottom = top;

  // Issuer (right).
  const right = PAGE_W - MARGIN_X;
  const label: TextStyle = { size: 9, color: GREY };
  const value: TextStyle = { size: 10 };
  let rt = MARGIN_TOP + 18;
  const pair = (k: string, v: string, style: TextStyle = value) => {
    s.textRight(v, right, rt, style);
    s.textRight(k, right - s.width(v, style) - 8, rt + ((style.size ?? 10) - 9) * 0.7, label);
    rt += 17;
  };
  pair('発行日', p.issued);
  pair('照会番号', input.referenceNumber, { size: 10.5, bold: true });
  rt += 10;
  s.textRight(`${m.nameJa}長`, right, rt, { size: 11, bold: true });
  rt += 17;
  const officeLines = wrapText(m.office, s.fonts.regular, 9.5, 220);
  for (const line of officeLines) {
    s.textRight(line, right, rt, { size: 9.5 });
    rt += 14;
  }
  if (m.phone !== null && m.phone.trim() !== '') {
    s.textRight(`電話 ${m.phone.trim()}`, right, rt, { size: 9.5 });
    rt += 14;
  }
  s.textRight(`地方公共団体コード ${m.code}`, right, rt, { size: 8, color: GREY });
  rt += 12;

  s.top = Math.max(windowBottom, rt) + 14;
}

function drawTitle(s: Sheet): void {
  const title = '照会書兼回答書（マイナンバーカードの暗証番号の初期化・再設定）';
  let size = 15;
  while (s.width(title, { size, bold: true }) > CONTENT_W && size > 10) size -= 0.5;
  s.textCentre(title, PAGE_W / 2, s.top, { size, bold: true });
  s.top += size + 7;
  s.textCentre(
    'Inquiry and reply: initialising / re-setting the PINs of your My Number Card at the request of a proxy',
    PAGE_W / 2,
    s.top,
    { size: 8, color: GREY },
  );
  s.top += 18;
}

function drawInquiry(s: Sheet, p: Prepared): void {
  const { input } = p;
  const body: TextStyle = { size: 9.5 };
  s.paragraph(
    `${p.issued}、${input.proxyName} 様が、あなたの代理人として${input.municipality.office}の窓口にお越しになり、` +
      'あなたのマイナンバーカードについて、次の暗証番号の初期化・再設定を申請されました。',
    body,
  );
  s.top += 2;
  for (const slot of p.slots) {
    const t = SLOT_TEXT[slot];
    s.text('・', MARGIN_X + 12, s.top, body);
    s.text(t.nameJa, MARGIN_X + 24, s.top, { ...body, bold: true });
    s.text(`（${t.format}）`, MARGIN_X + 24 + s.width(t.nameJa, { ...body, bold: true }) + 2, s.top, {
      size: 9,
      color: GREY,
    });
    s.top += 15;
  }
  s.top += 4;
  s.paragraph(
    'ご本人の意思を確認するため、この書面をお送りしています。申請に同意される場合は、下の回答書に記入し、' +
      '新しい暗証番号を隠ぺい欄に記入して、同封の隠ぺいシールを貼って見えないようにしてください。' +
      '自署・押印のうえ、この書面を切り離さずに代理人にお渡しください。',
    body,
  );
  s.top += 3;
  s.paragraph(
    `代理人は、回答期限 ${p.deadline} までに、この照会書兼回答書（隠ぺいシールを貼ったもの）、` +
      'あなたのマイナンバーカード、代理人ご本人の本人確認書類をお持ちになり、窓口へお越しください。' +
      '期限を過ぎた場合は、改めて申請が必要です。',
    { ...body, bold: true },
  );
  s.top += 3;
  s.paragraph(
    `この申請に心当たりがない場合は、回答書には記入せず、${p.contact}へご連絡ください。` +
      '暗証番号の初期化・再設定に手数料はかかりません（無料）。',
    body,
  );
  s.top += 4;
}

function declarationLines(s: Sheet, p: Prepared): string[] {
  const decl =
    `私は、上記の照会のとおり、代理人 ${p.input.proxyName} 様に暗証番号の初期化・再設定の手続を依頼しました。` +
    '新しい暗証番号は下の隠ぺい欄に記入したとおりです。';
  return wrapText(decl, s.fonts.regular, 9.5, CONTENT_W - 18);
}

function answerHeight(s: Sheet, p: Prepared): number {
  // Must match drawAnswer's cursor movement: heading, declaration, code row, concealed area, signature.
  const decl = declarationLines(s, p).length * 14 + 2;
  return 28 + decl + 50 + (22 + p.slots.length * 30 + 18 + 12) + (62 + 12);
}

function drawAnswer(s: Sheet, p: Prepared): void {
  const { input } = p;
  const left = MARGIN_X;
  const right = PAGE_W - MARGIN_X;
  const startTop = s.top;

  // Cut-here-free separator and heading bar.
  s.hline(left, right, s.top, { dash: [3, 2], color: GREY });
  s.top += 6;
  s.rect(left, s.top, CONTENT_W, 18, { fill: INK });
  s.text('回答書', left + 8, s.top + 3.5, { size: 11, bold: true, color: WHITE });
  s.text('Reply', left + 8 + s.width('回答書', { size: 11, bold: true }) + 8, s.top + 5.5, { size: 8, color: WHITE });
  s.textRight(`${input.municipality.nameJa}長 あて`, right - 8, s.top + 4, { size: 9.5, color: WHITE });
  s.top += 22;

  // Declaration with tick box.
  s.rect(left + 2, s.top + 1, 9, 9, { border: INK, width: 0.8 });
  const declLines = declarationLines(s, p);
  declLines.forEach((line, i) => s.text(line, left + 16, s.top + i * 14, { size: 9.5 }));
  s.top += declLines.length * 14 + 2;

  // One-time code (left) and date (right).
  const codeBoxW = 250;
  s.rect(left, s.top, codeBoxW, 42, { border: INK, width: 1 });
  s.text('照合コード', left + 8, s.top + 5, { size: 8.5, color: GREY });
  s.text('窓口で申請記録と照合します', left + 8, s.top + 27, { size: 7.5, color: GREY });
  const code = input.oneTimeCode;
  const codeSize = s.width(code, { size: 18, bold: true }) <= codeBoxW - 120 ? 18 : 12;
  const codeW = s.width(code, { size: codeSize, bold: true });
  // One string, so that text extraction and screen readers keep the code whole.
  s.text(code, left + codeBoxW - 12 - codeW, s.top + (42 - codeSize) / 2, { size: codeSize, bold: true });
  const dateX = left + codeBoxW + 20;
  s.text('記入日', dateX, s.top + 16, { size: 9.5 });
  const dateLineX = dateX + 44;
  s.hline(dateLineX, right, s.top + 30, { color: INK, width: 0.5 });
  const dateSlots = ['年', '月', '日'] as const;
  const slotW = (right - dateLineX) / 3;
  dateSlots.forEach((k, i) => s.textRight(k, dateLineX + slotW * (i + 1) - 4, s.top + 16, { size: 9.5 }));
  s.top += 50;

  // Concealed area (隠ぺい欄).
  const areaTop = s.top;
  const areaH = 22 + p.slots.length * 30 + 18;
  s.rect(left, areaTop, CONTENT_W, areaH, { fill: CONCEALED_FILL, border: INK, width: 1, dash: [4, 2] });
  s.rect(left, areaTop, 64, 16, { fill: INK });
  s.text('隠ぺい欄', left + 8, areaTop + 3, { size: 9, bold: true, color: WHITE });
  s.text('新しい暗証番号を1マスに1文字ずつ記入し、記入後はこの欄全体を隠ぺいシールで覆ってください。', left + 72, areaTop + 4, {
    size: 8.5,
  });
  s.top = areaTop + 22;
  const box = 16;
  const gap = 2;
  const boxesX = left + 178;
  for (const slot of p.slots) {
    const t = SLOT_TEXT[slot];
    s.text(t.nameJa, left + 10, s.top + 2, { size: 9, bold: true });
    s.text(`${t.format}${slot === 'sign' ? '・左詰め' : ''}`, left + 10, s.top + 15, { size: 7.5, color: GREY });
    for (let i = 0; i < t.boxes; i++) {
      s.rect(boxesX + i * (box + gap), s.top + 2, box, box + 4, { fill: WHITE, border: INK, width: 0.7 });
    }
    s.top += 30;
  }
  const hint =
    (p.slots.includes('sign') ? '署名用は英大文字（A〜Z）と数字（0〜9）をそれぞれ1文字以上含めてください。' : '') +
    '生年月日や電話番号など推測されやすい番号は避けてください。';
  s.text(hint, left + 10, s.top - 2, { size: 7.5, color: GREY });
  s.top = areaTop + areaH + 12;

  // Holder's signature (自署) and seal (印).
  const sigTop = s.top;
  const sigH = 62;
  const sealW = 70;
  const sigW = CONTENT_W - sealW - 8;
  s.rect(left, sigTop, sigW, sigH, { border: INK, width: 0.8 });
  s.textRight('住所・氏名はご本人が記入してください', left + sigW - 6, sigTop + 4, { size: 7, color: GREY });
  s.text('住所', left + 8, sigTop + 16, { size: 8.5, color: GREY });
  s.hline(left + 64, left + sigW - 8, sigTop + 27, { color: RULE, width: 0.5 });
  s.text('氏名（自署）', left + 8, sigTop + 45, { size: 8.5, color: GREY });
  s.hline(left + 64, left + sigW - 8, sigTop + 56, { color: RULE, width: 0.5 });
  const sealX = left + sigW + 8;
  s.rect(sealX, sigTop, sealW, sigH, { border: INK, width: 0.8 });
  s.circle(sealX + sealW / 2, sigTop + sigH / 2 + 3, 20, { color: RULE, dash: [2, 2] });
  s.textCentre('印', sealX + sealW / 2, sigTop + sigH / 2 - 1, { size: 10, color: GREY });
  s.text('押印', sealX + 4, sigTop + 3, { size: 7, color: GREY });
  s.top = sigTop + sigH + 12;

  const used = s.top - startTop;
  const expected = answerHeight(s, p);
  if (Math.abs(used - expected) > 0.5) {
    // Keeps the page-break estimate honest when the layout above is edited.
    throw new Error(`answer block height drifted: drew ${used}, expected ${expected}`);
  }
}

/** Footer on every page; running head on continuation pages. Both carry the reference number and deadline. */
function drawRunningText(s: Sheet, p: Prepared): void {
  const total = s.pages.length;
  s.pages.forEach((page, i) => {
    if (i > 0) {
      const refLine = `照会番号 ${p.input.referenceNumber}　｜　回答期限 ${p.deadline}`;
      const y = PAGE_H - MARGIN_TOP + 4;
      const w = s.fonts.regular.widthOfTextAtSize(refLine, 8.5);
      const head = fitText(`照会書兼回答書（つづき）　${p.input.holder.name} 様`, s.fonts.bold, 8.5, CONTENT_W - w - 16);
      page.drawText(head, { x: MARGIN_X, y, size: 8.5, font: s.fonts.bold, color: INK });
      page.drawText(refLine, { x: PAGE_W - MARGIN_X - w, y, size: 8.5, font: s.fonts.regular, color: INK });
      page.drawLine({
        start: { x: MARGIN_X, y: y - 5 },
        end: { x: PAGE_W - MARGIN_X, y: y - 5 },
        thickness: 0.4,
        color: RULE,
      });
    }
    const footer = `照会番号 ${p.input.referenceNumber}　｜　回答期限 ${p.deadline}　｜　${i + 1} / ${total}`;
    const size = 8;
    const w = s.fonts.regular.widthOfTextAtSize(footer, size);
    page.drawLine({
      start: { x: MARGIN_X, y: FOOTER_Y + 12 },
      end: { x: PAGE_W - MARGIN_X, y: FOOTER_Y + 12 },
      thickness: 0.4,
      color: RULE,
    });
    page.drawText(footer, { x: PAGE_W - MARGIN_X - w, y: FOOTER_Y, size, font: s.fonts.regular, color: GREY });
    page.drawText('転送不要', { x: MARGIN_X, y: FOOTER_Y, size, font: s.fonts.bold, color: RED });
  });
}

/** Renders the 照会書兼回答書 as an A4 PDF (one page when it fits, two otherwise). */
export async function renderInquiryLetter(input: InquiryLetterInput): Promise<Uint8Array> {
  const prepared = prepare(input);
  const bytes = await loadFontBytes();
  assertPrintable(parseFont(bytes.regular), input);
  assertPrintable(parseFont(bytes.bold), input);

  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkitForPdfLib);
  const fonts: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };
  doc.setTitle(`照会書兼回答書 ${input.referenceNumber}`);
  doc.setSubject('マイナンバーカードの暗証番号の初期化・再設定（任意代理人）');
  doc.setAuthor(`${input.municipality.nameJa} ${input.municipality.office}`);
  doc.setLanguage('ja-JP');
  doc.setProducer('kagiya');
  doc.setCreator('kagiya');
  // No wall-clock time in the file: the metadata dates are the issue date.
  const issuedAt = new Date(`${input.issuedOn}T00:00:00+09:00`);
  doc.setCreationDate(issuedAt);
  doc.setModificationDate(issuedAt);

  const sheet = new Sheet(doc, fonts);
  drawHeader(sheet, prepared);
  drawTitle(sheet);
  drawInquiry(sheet, prepared);
  if (sheet.room < answerHeight(sheet, prepared)) sheet.newPage();
  drawAnswer(sheet, prepared);
  drawRunningText(sheet, prepared);

  return doc.save({ useObjectStreams: true });
}
