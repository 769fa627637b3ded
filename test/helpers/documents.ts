import fs from 'node:fs';
import path from 'node:path';

/** The texts the real-software fixtures were made from (test/fixtures/documents/source.json, see its README). */
export interface DocumentSource {
  title: string;
  paragraphs: string[];
  inserted: string;
  deleted: string;
  table: string[][];
  textbox: string;
  footnote: string;
  endnote: string;
  header: string;
  footer: string;
  comment: string;
  author: string;
  english: string;
  registration: { title: string; author: string; unit: string; otherAuthor: string };
}

export const DOCUMENT_FIXTURES = path.resolve('test/fixtures/documents');

export const documentSource: DocumentSource = JSON.parse(fs.readFileSync(path.join(DOCUMENT_FIXTURES, 'source.json'), 'utf8'));

const han = (s: string): string[] => s.match(/\p{Script=Han}/gu) ?? [];

/** Share of the expected text's Han characters found in the actual text in the same order (longest common subsequence). */
export function hanRecall(expected: string, actual: string): number {
  const [a, b] = [han(expected), han(actual)];
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (const ch of a) {
    for (let j = 1; j <= b.length; j++) cur[j] = ch === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] / a.length;
}
