/**
 * Similarity benchmark: generated corpora of about 3,000 Chinese characters per document,
 * with shared domain phrases, template text, common text and 5% planted copies. For each
 * size, casejury's engine runs in a child process (so its peak RSS is its own), and on the
 * sizes it can finish, Dolos (@dodona/dolos-lib, `language: "char"`, k = 13, on the same
 * normalized text, template as its ignored file) does too. Both are scored against the
 * planted truth.
 *
 *   npm run bench:similarity [-- --sizes 1000,10000,30000 --dolos-sizes 1000,2000]
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SimilarityCorpus } from '../src/similarity/index.ts';
import { normalize, unitsToString } from '../src/similarity/text/normalize.ts';
import { ACCURACY_SPEC, plantCorpus } from './lib/plantedCorpus.ts';

const THRESHOLD = 0.3;

interface BenchDocument {
  id: string;
  text: string;
  category: string | null;
  library: boolean;
  /** True rate (entries only). */
  rate: number | null;
}

interface Run {
  engine: 'casejury' | 'Dolos';
  documents: number;
  wallMs: number;
  peakRssMb: number;
  medianError: number;
  maxError: number;
  wrongSide: number;
  note?: string;
}

/** Accuracy of measured rates against the truth. */
function score(docs: BenchDocument[], measured: Map<string, number>): Pick<Run, 'medianError' | 'maxError' | 'wrongSide'> {
  const errors: number[] = [];
  let wrongSide = 0;
  for (const d of docs) {
    if (d.rate === null) continue;
    const rate = measured.get(d.id) ?? 0;
    errors.push(Math.abs(rate - d.rate));
    if (rate >= THRESHOLD !== d.rate >= THRESHOLD) wrongSide++;
  }
  errors.sort((a, b) => a - b);
  return { medianError: errors[Math.floor(errors.length / 2)], maxError: errors[errors.length - 1], wrongSide };
}

async function readCorpus(file: string): Promise<{ docs: BenchDocument[]; templates: string[] }> {
  const docs: BenchDocument[] = [];
  let templates: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const record = JSON.parse(line);
    if (record.templates) templates = record.templates;
    else docs.push(record);
  }
  return { docs, templates };
}

async function runCasejury(file: string): Promise<Omit<Run, 'peakRssMb'>> {
  const { docs, templates } = await readCorpus(file);
  const start = performance.now();
  const corpus = new SimilarityCorpus({ threshold: THRESHOLD }, templates);
  for (const d of docs) corpus.add(d);
  const result = corpus.result();
  const wallMs = performance.now() - start;
  const measured = new Map(result.documents.map((d) => [d.id, d.rate]));
  return { engine: 'casejury', documents: docs.length, wallMs, ...score(docs, measured) };
}

async function runDolos(file: string): Promise<Omit<Run, 'peakRssMb'>> {
  const { Dolos, File } = await import('@dodona/dolos-lib');
  const { docs, templates } = await readCorpus(file);
  // the same normalized text casejury compares (Dolos's char tokenizer then sees one token per countable character)
  const files = docs.map((d) => new File(d.id, unitsToString(normalize(d.text).chars)));
  const template = new File('template.txt', unitsToString(normalize(templates.join('\n')).chars));
  const start = performance.now();
  const dolos = new Dolos({ language: 'char', kgramLength: 13 });
  const report = await dolos.analyze(files, 'bench', template);
  const pairs = report.allPairs();
  const wallMs = performance.now() - start;
  // a document's rate: characters covered by a fingerprint it shares with another file,
  // over characters not covered by template (ignored) fingerprints
  const measured = new Map<string, number>();
  for (const entry of report.entries()) {
    const length = entry.file.tokens.length;
    const shared = new Uint8Array(length);
    const ignored = new Uint8Array(length);
    for (const [set, mask] of [
      [entry.shared, shared],
      [entry.ignored, ignored],
    ] as const) {
      for (const fingerprint of set) {
        if (mask === shared && fingerprint.fileCount() < 2) continue;
        for (const occurrence of fingerprint.occurrencesOf(entry.file)) mask.fill(1, occurrence.side.start, occurrence.side.stop + 1);
      }
    }
    let dup = 0;
    let outside = 0;
    for (let i = 0; i < length; i++) {
      if (ignored[i]) continue;
      outside++;
      dup += shared[i];
    }
    measured.set(entry.file.path, outside ? dup / outside : 0);
  }
  return { engine: 'Dolos', documents: docs.length, wallMs, ...score(docs, measured), note: `${pairs.length} pairs` };
}

function child(engine: string, file: string, heapMb: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    const proc = spawn(
      process.execPath,
      [...process.execArgv, `--max-old-space-size=${heapMb}`, script, '--child', engine, '--file', file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line));
      else reject(new Error(`${engine} 子进程失败（退出码 ${code}）：${out.slice(-500)}`));
    });
  });
}

async function writeCorpus(size: number, file: string): Promise<void> {
  const corpus = plantCorpus({
    ...ACCURACY_SPEC,
    seed: 1000 + size,
    entries: size,
    library: Math.round(size / 100),
    copierShare: 0.05,
    sentences: [90, 100],
    twins: Math.max(2, Math.round(size / 1000)),
    identical: Math.max(1, Math.round(size / 2000)),
    commonShare: 0.1,
    quotedShare: 0.1,
    thresholdMargin: 0,
  });
  const lines = corpus.documents.map((d) =>
    JSON.stringify({
      id: d.path,
      text: d.text,
      category: d.category,
      library: d.library,
      rate: d.library ? null : d.truth.rate,
    } satisfies BenchDocument),
  );
  lines.push(JSON.stringify({ templates: corpus.templates }));
  await writeFile(file, lines.join('\n') + '\n');
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      file: { type: 'string' },
      sizes: { type: 'string', default: '1000,2000,10000,30000' },
      'dolos-sizes': { type: 'string', default: '1000,2000' },
    },
  });
  if (values.child) {
    const run = await (values.child === 'Dolos' ? runDolos : runCasejury)(values.file!);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ ...run, peakRssMb }) + '\n');
    return;
  }
  const sizes = values.sizes.split(',').map(Number);
  const dolosSizes = new Set(values['dolos-sizes'].split(',').filter(Boolean).map(Number));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'casejury-bench-'));
  console.log(
    `查重基准测试 similarity benchmark — ${os.cpus().length} 核 cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GB, Node ${process.version}`,
  );
  console.log(
    `负载 load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (机器与其他任务共用 / shared with other jobs)\n`,
  );
  const header = [
    '文档数 docs',
    '引擎 engine',
    '耗时 wall s',
    '文档/秒 docs/s',
    '峰值内存 peak RSS MB',
    '中位误差 median err',
    '最大误差 max err',
    '错判 wrong side',
    '',
  ];
  console.log(header.join('\t'));
  const runs: Run[] = [];
  try {
    for (const size of [...new Set([...sizes, ...dolosSizes])].sort((a, b) => a - b)) {
      const file = path.join(dir, `corpus-${size}.jsonl`);
      await writeCorpus(size, file);
      const engines: ('casejury' | 'Dolos')[] = [
        ...(sizes.includes(size) ? ['casejury' as const] : []),
        ...(dolosSizes.has(size) ? ['Dolos' as const] : []),
      ];
      for (const engine of engines) {
        let run: Run;
        try {
          run = await child(engine, file, engine === 'Dolos' ? 12_000 : 4_000);
        } catch (err) {
          console.log(`${fmt(size)}\t${engine}\t${(err as Error).message}`);
          continue;
        }
        runs.push(run);
        console.log(
          [
            fmt(run.documents),
            run.engine,
            fmt(run.wallMs / 1000, 2),
            fmt(run.documents / (run.wallMs / 1000)),
            fmt(run.peakRssMb),
            run.medianError.toFixed(4),
            run.maxError.toFixed(4),
            run.wrongSide,
            run.note ?? '',
          ].join('\t'),
        );
      }
      await rm(file);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log('');
  for (const d of runs.filter((r) => r.engine === 'Dolos')) {
    const ours = runs.find((r) => r.engine === 'casejury' && r.documents === d.documents);
    if (ours)
      console.log(
        `${fmt(d.documents)} 篇 docs: Dolos / casejury 耗时比 time ratio = ${(d.wallMs / ours.wallMs).toFixed(1)}×, 内存比 RSS ratio = ${(d.peakRssMb / ours.peakRssMb).toFixed(1)}×`,
      );
  }
  const ours = runs.filter((r) => r.engine === 'casejury');
  if (ours.length > 1) {
    const [first, last] = [ours[0], ours[ours.length - 1]];
    const growth = last.wallMs / last.documents / (first.wallMs / first.documents);
    console.log(
      `casejury 每篇耗时从 ${fmt(first.documents)} 到 ${fmt(last.documents)} 篇增长 ${growth.toFixed(2)} 倍（线性增长为 1.00）/ per-document time growth ${growth.toFixed(2)}× (1.00 = linear)`,
    );
  }
  console.log(
    `负载 load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

await main();
