import { createReadStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chineseSentences, seedNotices, trainingProse } from './chineseProse.ts';
import { CharModel, noticeClauses, REALISTIC_SPEC, realisticCorpus } from './realisticCorpus.ts';

/** Generated corpora of the benchmarks, one JSON document a line, cached in the system's temporary folder. */
export const CORPUS_CACHE = path.join(os.tmpdir(), 'casejury-bench-corpora-v2');

export interface BenchDocument {
  id: string;
  text: string;
  category: string | null;
  library: boolean;
  /** True rate (entries only). */
  rate: number | null;
}

export interface CorpusFile {
  file: string;
  twins: [string, string][];
}

export async function readCorpus(file: string): Promise<{ docs: BenchDocument[]; templates: string[]; twins: [string, string][] }> {
  const docs: BenchDocument[] = [];
  let templates: string[] = [];
  let twins: [string, string][] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const record = JSON.parse(line);
    if (record.meta) ({ templates, twins } = record.meta);
    else docs.push(record);
  }
  return { docs, templates, twins };
}

export async function writeCorpus(
  file: string,
  docs: BenchDocument[],
  meta: { templates: string[]; twins: [string, string][] },
): Promise<void> {
  const lines = [JSON.stringify({ meta }), ...docs.map((d) => JSON.stringify(d))];
  await writeFile(file, `${lines.join('\n')}\n`);
}

let model: CharModel | null = null;
/** What the realistic corpora were generated from, once one was. */
export const realisticSource = { prose: '', clauses: 0 };
let clauses: string[] = [];

/** The realistic corpus of a size (generated once, then cached). */
export async function realisticFile(size: number): Promise<CorpusFile> {
  const file = path.join(CORPUS_CACHE, `realistic-${size}.jsonl`);
  await mkdir(CORPUS_CACHE, { recursive: true });
  if (!existsSync(file)) {
    if (!model) {
      const notices = seedNotices();
      const prose = trainingProse();
      model = new CharModel([...prose.text.split('\n'), ...notices.flatMap(chineseSentences)]);
      clauses = noticeClauses(notices);
      realisticSource.prose = prose.source;
      realisticSource.clauses = clauses.length;
    }
    const started = performance.now();
    const corpus = realisticCorpus(
      { ...REALISTIC_SPEC, seed: 4000 + size, entries: size, library: Math.round(size / 100), twins: Math.max(2, Math.round(size / 1000)) },
      model,
      clauses,
    );
    const docs = corpus.documents.map((d) => ({ id: d.path, text: d.text, category: d.category, library: d.library, rate: d.rate }));
    await writeCorpus(file, docs, { templates: [], twins: corpus.twins });
    console.error(`  （生成 ${size} 篇真实风格语料用时 ${((performance.now() - started) / 1000).toFixed(0)} 秒，已缓存：${file}）`);
  }
  return { file, twins: (await readCorpus(file)).twins };
}
