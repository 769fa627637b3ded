import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import yauzl from 'yauzl';
import { readDoc, readDocx, type WordText } from './word.ts';
import { PdfProblem, readPdf } from './pdf.ts';
import { decodeText, hasUnicodeBom } from './plain.ts';

export interface ExtractResult {
  /** Plain text, paragraphs separated by blank lines; null when none could be read. */
  text: string | null;
  /** Sanitized HTML (only for .docx). */
  html: string | null;
  /** Chinese reason naming the problem when a document's text could not be read. */
  error: string | null;
  /** MIME type detected from the content (not the extension). */
  mime: string | null;
}

/** Extensions that promise a Word document, so content that is not one is an error. */
const WORD_EXTS = new Set(['doc', 'docx', 'docm', 'dot', 'dotx', 'wps']);

const CONTENT_NAMES: Record<string, string> = {
  zip: ' ZIP 压缩包',
  rar: ' RAR 压缩包',
  '7z': ' 7z 压缩包',
  xlsx: ' Excel 表格（.xlsx）',
  pptx: ' PowerPoint 演示文稿（.pptx）',
  cfb: ' Office 97–2003 文件（可能是 .xls 或 .ppt）',
  rtf: ' RTF 文档，请另存为 .docx 后再提交',
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

async function readWord(reader: (d: Buffer) => Promise<WordText>, data: Buffer, label: string, mime: string): Promise<ExtractResult> {
  let result: WordText;
  try {
    result = await reader(data);
  } catch {
    return { text: null, html: null, error: `不是有效的 Word 文档（${label}）：文件已损坏`, mime };
  }
  if (!result.text) return { text: null, html: null, error: 'Word 文档中没有文字（可能只有图片）', mime };
  return { ...result, error: null, mime };
}

/**
 * Text (and for .docx, sanitized HTML) of one submitted file. What the bytes are is decided
 * by their content, not the name: a .doc that is really a .docx is read as one, and a .docx
 * that is some other zip is reported. Files that are not documents (video, images, archives)
 * give nulls and no error.
 */
export async function extractText(data: Buffer, fileName: string): Promise<ExtractResult> {
  if (data.length === 0) return { text: null, html: null, error: '空文件（0 字节）', mime: null };
  const ext = path.extname(fileName).slice(1).toLowerCase();
  const type = await fileTypeFromBuffer(data);
  const fail = (error: string): ExtractResult => ({ text: null, html: null, error, mime: type?.mime ?? null });

  if (ext === 'txt' && (!type || hasUnicodeBom(data))) {
    const text = decodeText(data);
    if (text === null) return fail('无法识别文本文件的编码');
    return { text: text.trim(), html: null, error: null, mime: 'text/plain' };
  }
  if (type?.ext === 'docx') return readWord(readDocx, data, '.docx', type.mime);
  if (type?.ext === 'cfb' && WORD_EXTS.has(ext)) return readWord(readDoc, data, '.doc', 'application/msword');
  if (type?.ext === 'pdf') {
    try {
      return { text: await readPdf(data), html: null, error: null, mime: type.mime };
    } catch (err) {
      if (err instanceof PdfProblem) return fail(err.message);
      throw err;
    }
  }
  if (WORD_EXTS.has(ext)) {
    const label = `不是有效的 Word 文档（.${ext}）`;
    if (!type) return fail(`${label}：文件已损坏`);
    if (type.ext === 'zip')
      return fail((await isReadableZip(data)) ? `${label}：这是一个 ZIP 压缩包，不是 Word 文件` : `${label}：文件已损坏`);
    return fail(`${label}：内容是${describeContent(type)}`);
  }
  if (ext === 'pdf') return fail(type ? `不是有效的 PDF 文件：内容是${describeContent(type)}` : '不是有效的 PDF 文件：文件已损坏');
  return { text: null, html: null, error: null, mime: type?.mime ?? null };
}
