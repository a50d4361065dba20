// Fonts for the inquiry letter: read once per process, embedded (subset) per document.
//
// The font engine is upstream `fontkit` 2, not pdf-lib's fork `@pdf-lib/fontkit`: the fork (1.1.1, last published
// 2020) writes TrueType subsets with a short `loca` table and odd glyph offsets, so about half the glyphs of a
// Japanese font come out blank while text extraction still "works" (Hopding/pdf-lib#1232, fixed upstream in
// foliojs/fontkit#191).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import type { PDFDocument } from 'pdf-lib';


const FONT_FILES = {
  regular: '@expo-google-fonts/biz-udpgothic/400Regular/BIZUDPGothic_400Regular.ttf',
  bold: '@expo-google-fonts/biz-udpgothic/700Bold/BIZUDPGothic_700Bold.ttf',
} as const;

type FontBytes = Readonly<{ regular: Uint8Array; bold: Uint8Array }>;
let fontBytes: Promise<FontBytes> | undefined;

export function loadFontBytes(): Promise<FontBytes> {
  if (fontBytes === undefined) {
    const require = createRequire(import.meta.url);
    const read = (specifier: string) => readFile(require.resolve(specifier)).then((b) => new Uint8Array(b));
    fontBytes = Promise.all([read(FONT_FILES.regular), read(FONT_FILES.bold)]).then(([regular, bold]) => ({
      regular,
      bold,
    }));
    // A failed read must not poison the cache for the life of the process.
    fontBytes.catch(() => {
      fontBytes = undefined;
    });
  }
  return fontBytes;
}

/**
 * Upstream fontkit in the shape pdf-lib expects. The one gap: pdf-lib's subset embedder reads the subset
 * through `encodeStream()` (fontkit 1.x), where fontkit 2 has `encode(): Uint8Array`.
 *
 * Parsed fonts are cached per byte array (the bytes themselves are cached above), so the 4.5 MB font is
 * parsed once per process rather than once per letter. Sharing is safe: pdf-lib only reads the font and
 * takes a fresh subset for each document.
 */
type PdfLibFontkit = Parameters<PDFDocument['registerFontkit']>[0];

const parsedFonts = new WeakMap<Uint8Array, fontkit.Font>();

export function parseFont(bytes: Uint8Array): fontkit.Font {
  let font = parsedFonts.get(bytes);
  if (font === undefined) {
    const created = fontkit.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if ('fonts' in created) throw new TypeError('font collections (.ttc) are not supported here');
    const createSubset = created.createSubset.bind(created);
    created.createSubset = () => {
      const subset = createSubset();
      return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
    };
    font = created;
    parsedFonts.set(bytes, font);
  }
  return font;
}

export const fontkitForPdfLib: PdfLibFontkit = {
  create: (bytes: Uint8Array) => parseFont(bytes) as unknown as ReturnType<PdfLibFontkit['create']>,
};

