// Drawing helpers for the letters Kagiya prints (inquiry-letter.ts): A4 geometry and ink, line breaking for Japanese
// with a little kinsoku, and a small top-down layout over pdf-lib's bottom-up coordinates.
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';

// ---------------------------------------------------------------------------------------------------------
// Page geometry (points). A4 portrait.

export const PAGE_W = 595.28;
export const PAGE_H = 841.89;
export const MARGIN_X = 48;
export const MARGIN_TOP = 40;
export const FOOTER_Y = 26; // baseline of the footer line
const CONTENT_BOTTOM = 46; // nothing but the footer below this
export const CONTENT_W = PAGE_W - 2 * MARGIN_X;

export const INK = rgb(0.1, 0.1, 0.1);
export const GREY = rgb(0.4, 0.4, 0.4);
export const RULE = rgb(0.55, 0.55, 0.55);
export const RED = rgb(0.78, 0.08, 0.08);
export const CONCEALED_FILL = rgb(0.93, 0.93, 0.93);
export const WHITE = rgb(1, 1, 1);

// ---------------------------------------------------------------------------------------------------------
// Line breaking for Japanese with a little kinsoku (禁則): closing punctuation never starts a line, opening
// brackets never end one, and runs of Latin letters/digits (codes, phone numbers) are never split unless a
// single run is wider than the line.

const NO_LINE_START = new Set([...'、。，．,.）)」』】〕］]｝}〉》ー・：；:;！!？?ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜…‥％%']);
const NO_LINE_END = new Set([...'（(「『【〔［[｛{〈《']);

function tokenize(text: string): string[] {
  const raw = text.match(/[\x21-\x7e]+|\s+|[^]/gu) ?? [];
  const tokens: string[] = [];
  let carry = '';
  for (const t of raw) {
    const first = [...t][0] ?? '';
    if (tokens.length > 0 && carry === '' && NO_LINE_START.has(first)) {
      tokens[tokens.length - 1] += t;
      continue;
    }
    const last = [...t].at(-1) ?? '';
    if (NO_LINE_END.has(last) && !/\s/u.test(t)) {
      carry += t;
      continue;
    }
    tokens.push(carry + t);
    carry = '';
  }
  if (carry !== '') tokens.push(carry);
  return tokens;
}

export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    const push = () => {
      lines.push(line.trimEnd());
      line = '';
    };
    for (const token of tokenize(paragraph)) {
      const candidate = line === '' ? token.trimStart() : line + token;
      if (candidate === '') continue;
      if (font.widthOfTextAtSize(candidate, size) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line !== '') push();
      let rest = token.trimStart();
      // A single token wider than the line: break it by character.
      while (rest !== '' && font.widthOfTextAtSize(rest, size) > maxWidth) {
        const chars = [...rest];
        let n = 1;
        while (n < chars.length && font.widthOfTextAtSize(chars.slice(0, n + 1).join(''), size) <= maxWidth) n++;
        lines.push(chars.slice(0, n).join(''));
        rest = chars.slice(n).join('');
      }
      line = rest;
    }
    if (line !== '' || lines.length === 0) push();
  }
  return lines;
}

/** The text, cut with an ellipsis if it is wider than maxWidth. */
export function fitText(text: string, font: PDFFont, size: number, maxWidth: number): string {
  if (font.widthOfTextAtSize(text, size) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && font.widthOfTextAtSize(`${chars.join('')}…`, size) > maxWidth) chars.pop();
  return `${chars.join('')}…`;
}

// ---------------------------------------------------------------------------------------------------------
// A small top-down layout over pdf-lib's bottom-up coordinates.

export type Fonts = Readonly<{ regular: PDFFont; bold: PDFFont }>;
export type TextStyle = Readonly<{ size?: number; bold?: boolean; color?: RGB }>;

export class Sheet {
  readonly pages: PDFPage[] = [];
  /** Distance from the top edge of the current page to the next free line. */
  top = MARGIN_TOP;

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.newPage();
  }

  get page(): PDFPage {
    const page = this.pages.at(-1);
    if (page === undefined) throw new Error('no page');
    return page;
  }

  newPage(): void {
    this.pages.push(this.doc.addPage([PAGE_W, PAGE_H]));
    // Continuation pages get a running head (drawn by drawRunningText) above the content.
    this.top = this.pages.length === 1 ? MARGIN_TOP : MARGIN_TOP + 18;
  }

  /** Room left above the footer on this page. */
  get room(): number {
    return PAGE_H - CONTENT_BOTTOM - this.top;
  }

  font(style: TextStyle): PDFFont {
    return style.bold === true ? this.fonts.bold : this.fonts.regular;
  }

  width(text: string, style: TextStyle = {}): number {
    return this.font(style).widthOfTextAtSize(text, style.size ?? 10);
  }

  /** Draws one line with its baseline `top + size` below the top edge, i.e. the text box starts at `top`. */
  text(text: string, x: number, top: number, style: TextStyle = {}): void {
    const size = style.size ?? 10;
    this.page.drawText(text, {
      x,
      y: PAGE_H - top - size * 0.88,
      size,
      font: this.font(style),
      color: style.color ?? INK,
    });
  }

  textRight(text: string, right: number, top: number, style: TextStyle = {}): void {
    this.text(text, right - this.width(text, style), top, style);
  }

  textCentre(text: string, centre: number, top: number, style: TextStyle = {}): void {
    this.text(text, centre - this.width(text, style) / 2, top, style);
  }

  /** Draws wrapped text at the cursor and moves the cursor below it. */
  paragraph(text: string, opts: TextStyle & { indent?: number; width?: number; leading?: number } = {}): void {
    const size = opts.size ?? 10;
    const leading = opts.leading ?? size * 1.6;
    const x = MARGIN_X + (opts.indent ?? 0);
    const width = opts.width ?? CONTENT_W - (opts.indent ?? 0);
    for (const line of wrapText(text, this.font(opts), size, width)) {
      if (this.room < leading) this.newPage();
      this.text(line, x, this.top, opts);
      this.top += leading;
    }
  }

  /** Rectangle given by its top-left corner in top-down coordinates. */
  rect(
    x: number,
    top: number,
    w: number,
    h: number,
    opts: Readonly<{ border?: RGB; fill?: RGB; width?: number; dash?: number[] }> = {},
  ): void {
    this.page.drawRectangle({
      x,
      y: PAGE_H - top - h,
      width: w,
      height: h,
      ...(opts.fill !== undefined ? { color: opts.fill } : {}),
      ...(opts.border !== undefined ? { borderColor: opts.border, borderWidth: opts.width ?? 0.8 } : {}),
      ...(opts.dash !== undefined ? { borderDashArray: opts.dash } : {}),
    });
  }

  hline(x1: number, x2: number, top: number, opts: Readonly<{ color?: RGB; width?: number; dash?: number[] }> = {}): void {
    this.page.drawLine({
      start: { x: x1, y: PAGE_H - top },
      end: { x: x2, y: PAGE_H - top },
      thickness: opts.width ?? 0.6,
      color: opts.color ?? RULE,
      ...(opts.dash !== undefined ? { dashArray: opts.dash } : {}),
    });
  }

  circle(cx: number, cyTop: number, r: number, opts: Readonly<{ color?: RGB; dash?: number[] }> = {}): void {
    this.page.drawCircle({
      x: cx,
      y: PAGE_H - cyTop,
      size: r,
      borderColor: opts.color ?? RULE,
      borderWidth: 0.7,
      ...(opts.dash !== undefined ? { borderDashArray: opts.dash } : {}),
    });
  }
}
