import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { extractText } from '../../ingest/extract/index.ts';

/** Text of one file, or the Chinese reason it has none to compare. */
export async function readDocument(file: string): Promise<{ text: string } | { error: string }> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return { error: '无法读取文件' };
  }
  const extracted = await extractText(data, path.basename(file));
  if (extracted.error) return { error: extracted.error };
  if (extracted.text === null) return { error: '不是可读取文字的文档' };
  if (!/[\p{L}\p{N}]/u.test(extracted.text)) return { error: '文档中没有可查重的文字' };
  return { text: extracted.text };
}
