import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Text of each page, as a PDF reader extracts it (pdf.js, software nobody here wrote), whitespace removed. */
export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  // pdf.js may transfer the buffer it is given: hand it a copy.
  const task = getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('').replace(/\s+/gu, ''));
    }
    return pages;
  } finally {
    await task.destroy();
  }
}
