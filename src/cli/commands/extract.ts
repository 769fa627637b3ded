import fs from 'node:fs/promises';
import path from 'node:path';
import { type Command, UsageError } from '../command.ts';
import { extractText } from '../../ingest/extract/index.ts';
import { ocrDocument, ocrUnavailable } from '../../ingest/extract/ocr.ts';
import { type DocumentProperties, PART_LABELS, type PartKind, PROPERTY_LABELS } from '../../ingest/extract/parts.ts';

/** One file as `casejury extract` reports it. */
export interface ExtractedFile {
  path: string;
  extractor: string | null;
  parts: { kind: PartKind; text: string; confidence?: number | null }[];
  properties: DocumentProperties | null;
  error: string | null;
}

/** Everything casejury reads from one file, the OCR of a scan included (run here, not in the background). */
async function extractFile(file: string): Promise<ExtractedFile> {
  const base = { path: file, extractor: null, parts: [], properties: null };
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) return { ...base, error: stat ? '不是文件' : '文件不存在' };
  const read = await extractText(await fs.readFile(file), path.basename(file));
  const parts: ExtractedFile['parts'] = [...(read.text ? [{ kind: 'body' as const, text: read.text }] : []), ...read.parts];
  let extractor: string | null = read.extractor;
  let error = read.error;
  if (read.ocr) {
    const unavailable = await ocrUnavailable();
    if (unavailable) error = `扫描件或图片，需要文字识别：${unavailable}`;
    else {
      const ocr = await ocrDocument(await fs.readFile(file), read.ocr);
      extractor = 'tesseract';
      if (ocr.text) parts.push({ kind: 'ocr', text: ocr.text, confidence: ocr.confidence });
      if (ocr.timedOut.length) error = `第 ${ocr.timedOut.join('、')} 页文字识别超时`;
      else if (!ocr.text) error = '文字识别未读出文字';
    }
  }
  return { path: file, extractor, parts, properties: read.properties, error };
}

const chars = (n: number) => `${n.toLocaleString('en-US')} 字符`;

export const extractCommand: Command = {
  name: ['extract'],
  summary: {
    zh: '显示从文件中读出的全部文字：正文、脚注、页眉页脚、文本框、批注、扫描件识别文字及文档属性',
    en: 'Show what casejury reads from files: body, notes, headers, footers, text boxes, comments, OCR text and properties',
  },
  usage: 'FILE... [--json]',
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UsageError('需要至少一个文件');
    const files: ExtractedFile[] = [];
    for (const file of ctx.positionals) files.push(await extractFile(file));
    if (ctx.json) ctx.printJson({ files });
    else
      for (const f of files) {
        ctx.print(`${f.path}${f.extractor ? `（${f.extractor}）` : ''}`);
        if (f.error) ctx.print(`  问题：${f.error}`);
        for (const p of f.parts) {
          const confidence = p.confidence === undefined || p.confidence === null ? '' : `，置信度 ${Math.round(p.confidence)}%`;
          ctx.print(`  ${PART_LABELS[p.kind]}：${chars(p.text.length)}${confidence}`);
        }
        if (f.properties)
          ctx.print(
            `  文档属性：${Object.entries(f.properties)
              .map(([k, v]) => `${PROPERTY_LABELS[k as keyof DocumentProperties]} ${v}`)
              .join('；')}`,
          );
        if (!f.error && f.parts.length === 0) ctx.print('  没有文字（不是文档）');
      }
    return files.some((f) => f.error) ? 1 : 0;
  },
};
