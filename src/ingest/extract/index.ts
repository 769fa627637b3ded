import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import yauzl from 'yauzl';
import { SLIDE_EXTS, WEB_EXTS, WORD_EXTS } from './formats.ts';
import { type DocumentPart, type DocumentProperties, PART_LABELS } from './parts.ts';
import { decodeText, hasUnicodeBom } from './plain.ts';
import type { WordText } from './word.ts';

// Each reader loads with the first document it reads (mammoth, pdf.js and sanitize-html take a fifth of a
// second): a thread that reads plain text, or only .docx, never loads the others.

/**
 * Version of what extraction reads from a file. Raised when it starts reading more (new parts, new
 * formats): files read by an older version are read again on the next import, bytes unchanged.
 */
export const EXTRACT_VERSION = 1;

/** Which reader the text came from, as `casejury extract` and the entry page name it. */
export type Extractor = 'mammoth' | 'word-extractor' | 'odt' | 'rtf' | 'html' | 'unpdf' | 'pdftotext' | 'pptx' | 'ppt' | 'text';

export interface ExtractResult {
  /** Body text (with tables and text boxes, in reading order), paragraphs on their own lines; null when none could be read. */
  text: string | null;
  /** Sanitized HTML for reading on screen (.docx and web pages). */
  html: string | null;
  /** Everything else a reader sees: notes, headers, footers, text boxes, comments. */
  parts: DocumentPart[];
  /** Author, last modified by, company, as the document's own properties say. */
  properties: DocumentProperties | null;
  extractor: Extractor | null;
  /** A scan or a picture: its words can only be read by OCR (a background job does it). */
  ocr: 'pdf' | 'image' | null;
  /** Chinese reason naming the problem when a document's text could not be read. */
  error: string | null;
  /** MIME type detected from the content (not the extension). */
  mime: string | null;
}

const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/tiff', 'image/bmp', 'image/webp', 'image/gif']);

const CONTENT_NAMES: Record<string, string> = {
  zip: ' ZIP 压缩包',
  rar: ' RAR 压缩包',
  '7z': ' 7z 压缩包',
  xlsx: ' Excel 表格（.xlsx）',
  pptx: ' PowerPoint 演示文稿（.pptx）',
  cfb: ' Office 97–2003 文件（可能是 .xls 或 .ppt）',
  pdf: ' PDF 文件',
  docx: ' Word 文档（.docx）',
};

const describeContent = (type: { ext: string; mime: string }): string =>
  CONTENT_NAMES[type.ext] ?? (type.mime.startsWith('image/') ? '图片' : type.mime.startsWith('video/') ? '视频' : ` .${type.ext} 文件`);

async function isReadableZip(data: Buffer): Promise<boolean> {
  try {
    const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true });
    zip.close();
    return true;
  } catch {
    return false;
  }
}

const empty = (mime: string | null): ExtractResult => ({
  text: null,
  html: null,
  parts: [],
  properties: null,
  extractor: null,
  ocr: null,
  error: null,
  mime,
});

/** A reading whose body is empty although the file has other text, or no text at all, is reported rather than stored as read. */
async function readWith(
  reader: (d: Buffer) => Promise<WordText> | WordText,
  extractor: Extractor,
  data: Buffer,
  label: string,
  mime: string,
): Promise<ExtractResult> {
  let result: WordText;
  try {
    result = await reader(data);
  } catch {
    return { ...empty(mime), error: `不是有效的${label}：文件已损坏` };
  }
  const text = result.text.trim() || null;
  const error = text
    ? null
    : result.parts.length
      ? `${label}的正文中没有文字（只在${[...new Set(result.parts.map((p) => PART_LABELS[p.kind]))].join('、')}中有文字）`
      : `${label}中没有文字（可能只有图片）`;
  return { ...empty(mime), ...result, text, extractor, error };
}

/**
 * Everything casejury reads from one submitted file: body text, the other parts, document
 * properties, and for .docx and web pages sanitized HTML. What the bytes are is decided by their
 * content, not the name: a .doc that is really a .docx, an RTF or a web page is read as what it
 * is, and a .docx that is some other zip is reported. Files that are not documents (video,
 * archives) give nulls and no error; scans and pictures are marked for OCR.
 */
export async function extractText(data: Buffer, fileName: string): Promise<ExtractResult> {
  if (data.length === 0) return { ...empty(null), error: '空文件（0 字节）' };
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const type = await fileTypeFromBuffer(data);
  const mime = type?.mime ?? null;
  const fail = (error: string): ExtractResult => ({ ...empty(mime), error });

  if (ext === 'txt' && (!type || hasUnicodeBom(data))) {
    const text = decodeText(data);
    if (text === null) return fail('无法识别文本文件的编码');
    return { ...empty('text/plain'), text: text.trim(), extractor: 'text' };
  }
  if (!type && (WORD_EXTS.has(ext) || WEB_EXTS.has(ext))) {
    const { isHtml, isMht, readHtmlDocument } = await import('./html.ts');
    if (isMht(data) || isHtml(data)) {
      const label = WEB_EXTS.has(ext) ? '网页' : `网页文件（另存为 .${ext} 的 HTML）`;
      return readWith(readHtmlDocument, 'html', data, label, isMht(data) ? 'multipart/related' : 'text/html');
    }
  }
  if (type?.ext === 'rtf') return readWith((await import('./rtf.ts')).readRtf, 'rtf', data, 'RTF 文档', type.mime);
  if (type?.ext === 'docx') return readWith((await import('./word.ts')).readDocx, 'mammoth', data, 'Word 文档（.docx）', type.mime);
  if (type?.ext === 'odt') return readWith((await import('./odt.ts')).readOdt, 'odt', data, 'OpenDocument 文档（.odt）', type.mime);
  if (type?.ext === 'pptx') return readWith((await import('./slides.ts')).readPptx, 'pptx', data, '演示文稿（.pptx）', type.mime);
  if (type?.ext === 'cfb' && WORD_EXTS.has(ext))
    return readWith((await import('./word.ts')).readDoc, 'word-extractor', data, `Word 文档（.${ext}）`, 'application/msword');
  if (type?.ext === 'cfb' && SLIDE_EXTS.has(ext))
    return readWith((await import('./slides.ts')).readPpt, 'ppt', data, `演示文稿（.${ext}）`, 'application/vnd.ms-powerpoint');
  if (type?.ext === 'pdf') {
    const { PdfProblem, readPdf } = await import('./pdf.ts');
    try {
      const pdf = await readPdf(data);
      return { ...empty(type.mime), text: pdf.text, extractor: pdf.extractor, ocr: pdf.text === null ? 'pdf' : null };
    } catch (err) {
      if (err instanceof PdfProblem) return fail(err.message);
      throw err;
    }
  }
  if (type && IMAGE_MIMES.has(type.mime)) return { ...empty(type.mime), ocr: 'image' };
  if (WORD_EXTS.has(ext)) {
    const label = `不是有效的 Word 文档（.${ext}）`;
    if (!type) return fail(`${label}：文件已损坏`);
    if (type.ext === 'zip')
      return fail((await isReadableZip(data)) ? `${label}：这是一个 ZIP 压缩包，不是 Word 文件` : `${label}：文件已损坏`);
    return fail(`${label}：内容是${describeContent(type)}`);
  }
  if (ext === 'pdf') return fail(type ? `不是有效的 PDF 文件：内容是${describeContent(type)}` : '不是有效的 PDF 文件：文件已损坏');
  return empty(mime);
}
