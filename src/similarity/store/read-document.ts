import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { extractText } from '../../ingest/extract/index.ts';

/**
 * Text of one file, or the Chinese reason it has none to compare. Worker threads pass `readFileSync`:
 * a promised read costs four round trips through libuv's pool (open, stat, read, close), more than the
 * read itself for the small files of a contest (1.2 s of 3.1 s per thread at 10,000 files).
 */
export async function readDocument(
  file: string,
  read: (file: string) => Buffer | Promise<Buffer> = readFile,
): Promise<{ text: string } | { error: string }> {
  let data: Buffer;
  try {
    data = await read(file);
  } catch {
    return { error: '无法读取文件' };
  }
  const extracted = await extractText(data, path.basename(file));
  if (extracted.error) return { error: extracted.error };
  if (extracted.text === null) return { error: '不是可读取文字的文档' };
  if (!/[\p{L}\p{N}]/u.test(extracted.text)) return { error: '文档中没有可查重的文字' };
  return { text: extracted.text };
}
