import fsp from 'node:fs/promises';
import path from 'node:path';
import { extractText as extractPdfText, getDocumentProxy } from 'unpdf';
import { runTool, ToolMissing, withTempDir } from './tools.ts';

export class PdfProblem extends Error {}

export interface PdfText {
  /** Null for a scan: no text layer worth the name (OCR reads it). */
  text: string | null;
  pages: number;
  extractor: 'unpdf' | 'pdftotext' | null;
}

const COUNTABLE = /[\p{L}\p{N}]/gu;
const HAN = /\p{Script=Han}/gu;
/** Fewer countable characters than this per page: the pages are pictures (a scan), not text. */
const SCAN_CHARS_PER_PAGE = 10;
/** A Chinese contest's PDF whose text is mostly not Chinese was probably misread (CID fonts without ToUnicode). */
const MIN_HAN_SHARE = 0.2;
const PDFTOTEXT_TIMEOUT_MS = 60_000;

const stats = (text: string) => ({ countable: text.match(COUNTABLE)?.length ?? 0, han: text.match(HAN)?.length ?? 0 });

async function readWithPdfJs(data: Buffer): Promise<{ text: string; pages: number }> {
  try {
    // pdf.js may take ownership of the bytes, so it gets a copy; verbosity 0 keeps its
    // repair warnings for damaged files off the console.
    const pdf = await getDocumentProxy(new Uint8Array(data), { verbosity: 0 });
    try {
      const { text, totalPages } = await extractPdfText(pdf, { mergePages: false });
      return { text: text.join('\n').trim(), pages: totalPages };
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    if ((err as Error)?.name === 'PasswordException') throw new PdfProblem('PDF 已加密（需要密码），无法读取文字');
    throw new PdfProblem('不是有效的 PDF 文件：文件已损坏');
  }
}

/** poppler's pdftotext: it maps glyphs of CID fonts that have no ToUnicode map through the font's own tables. */
async function readWithPdftotext(data: Buffer): Promise<string> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'in.pdf');
    await fsp.writeFile(file, data);
    const { stdout } = await runTool('pdftotext', ['-q', '-enc', 'UTF-8', file, '-'], { timeoutMs: PDFTOTEXT_TIMEOUT_MS });
    return stdout.toString('utf8').replace(/\f/g, '\n').trim();
  });
}

/**
 * The text layer of a PDF, checked for plausibility: pdf.js (unpdf) reads it first; when what it
 * gives is implausible for the file — almost nothing for its page count, or hardly any Chinese —
 * poppler's pdftotext reads it again and the better reading is kept. A PDF with no text layer on
 * either reading is a scan (text null, for OCR). A reading that stays implausible is reported,
 * never passed off as the document's text.
 */
export async function readPdf(data: Buffer): Promise<PdfText> {
  let first: { text: string; pages: number };
  try {
    first = await readWithPdfJs(data);
  } catch (err) {
    // pdf.js gives up on some damaged files that poppler repairs.
    const text = await readWithPdftotext(data).catch(() => null);
    if (text === null) throw err;
    const s = stats(text);
    return s.countable ? { text, pages: 0, extractor: 'pdftotext' } : { text: null, pages: 0, extractor: null };
  }
  const pages = Math.max(1, first.pages);
  const a = stats(first.text);
  const tooLittle = a.countable < SCAN_CHARS_PER_PAGE * pages;
  const hardlyChinese = a.han < MIN_HAN_SHARE * a.countable;
  if (!tooLittle && !hardlyChinese) return { text: first.text, pages: first.pages, extractor: 'unpdf' };

  let second: string | null = null;
  try {
    second = await readWithPdftotext(data);
  } catch (err) {
    if (!tooLittle) {
      const why = err instanceof ToolMissing ? '本机未安装 poppler-utils（pdftotext）' : 'pdftotext 也未能读取';
      throw new PdfProblem(`PDF 文字层中几乎没有中文（可能是字体缺少字符映射 ToUnicode），${why}，无法改用其他方式读取`);
    }
  }
  const b = second === null ? { countable: 0, han: 0 } : stats(second);
  if (b.countable < SCAN_CHARS_PER_PAGE * pages && tooLittle) return { text: null, pages: first.pages, extractor: null };
  if (second !== null && (b.han > a.han || (tooLittle && b.countable > a.countable)))
    return { text: second, pages: first.pages, extractor: 'pdftotext' };
  // Both readings agree: a PDF of few pages and little text, or one that is really not Chinese.
  return { text: first.text || null, pages: first.pages, extractor: 'unpdf' };
}
