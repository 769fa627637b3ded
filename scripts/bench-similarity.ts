/**
 * Similarity benchmark, in one command, on two kinds of generated corpora of about 3,000
 * Chinese characters per document, both scored against their known truth:
 *
 * - realistic: prose from an order-2 character model trained on real Chinese text, salted with
 *   clauses of the competition notices, so documents share many short incidental passages as
 *   real ones do, beside 5% planted copies (half lightly edited) and cross-project twins. Run
 *   through the CLI exactly as the README shows it (`casejury scan FOLDER --json … --xlsx …`),
 *   wall time and peak RSS of the whole process;
 * - planted: the accuracy corpus's generator at scale (sentences of dictionary words, few
 *   incidental matches), the engine alone in a child process.
 *
 * Then the accuracy corpus (every alteration, template text, quotations, twins), and with
 * `--baseline dolos` Dolos on the same normalized texts in the same run (installed on demand
 * into a scratch folder). Generated corpora are cached in the system's temporary folder.
 *
 *   npm run bench:similarity [-- --sizes 1000,2000,10000,30000 --planted-sizes 1000,10000 --baseline dolos --dolos-sizes 2000]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, findSimilarity, SimilarityCorpus } from '../src/similarity/index.ts';
import { normalize, unitsToString } from '../src/similarity/text/normalize.ts';
import type { ScanReport } from '../src/similarity/store/folder-scan.ts';
import {
  type BenchDocument,
  CORPUS_CACHE,
  type CorpusFile,
  readCorpus,
  realisticFile,
  realisticSource,
  writeCorpus,
} from './lib/benchCorpora.ts';
import { type DolosModule, loadDolos } from './lib/dolos.ts';
import { ACCURACY_SPEC, type PlantedDocument, plantCorpus } from './lib/plantedCorpus.ts';

const THRESHOLD = 0.3;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Accuracy {
  medianError: number;
  maxError: number;
  wrongSide: number;
}

interface Run extends Accuracy {
  corpus: 'realistic' | 'planted';
  how: string;
  documents: number;
  wallMs: number;
  peakRssMb: number;
  note: string;
}

/**
 * Accuracy of measured rates against the truth. A document's side of the threshold is the
 * verdict `flagged` says when it is given: the CLI's report rounds rates to four decimals, so a
 * rate of 0.29996 reads 0.3 there while the document is rightly not flagged.
 */
function score(docs: readonly BenchDocument[], measured: Map<string, number>, flagged?: Map<string, boolean>): Accuracy {
  const errors: number[] = [];
  let wrongSide = 0;
  for (const d of docs) {
    if (d.rate === null) continue;
    const rate = measured.get(d.id) ?? 0;
    errors.push(Math.abs(rate - d.rate));
    if ((flagged?.get(d.id) ?? rate >= THRESHOLD) !== d.rate >= THRESHOLD) wrongSide++;
  }
  errors.sort((a, b) => a - b);
  return { medianError: errors[Math.floor(errors.length / 2)] ?? 0, maxError: errors[errors.length - 1] ?? 0, wrongSide };
}

const benchDocument = (d: PlantedDocument): BenchDocument => ({
  id: d.path,
  text: d.text,
  category: d.category,
  library: d.library,
  rate: d.library ? null : d.truth.rate,
});

/** The planted corpus of a size. */
async function plantedFile(size: number): Promise<CorpusFile> {
  const file = path.join(CORPUS_CACHE, `planted-${size}.jsonl`);
  if (!existsSync(file)) {
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
    const docs = corpus.documents.map(benchDocument);
    await writeCorpus(file, docs, { templates: corpus.templates, twins: corpus.twins });
  }
  return { file, twins: (await readCorpus(file)).twins };
}

// ---- children: each run in its own process, so its peak RSS is its own

async function childCasejury(file: string): Promise<Omit<Run, 'peakRssMb' | 'corpus' | 'how'>> {
  const { docs, templates } = await readCorpus(file);
  const start = performance.now();
  const corpus = new SimilarityCorpus({ threshold: THRESHOLD }, templates);
  for (const d of docs) corpus.add(d);
  const result = corpus.result();
  const wallMs = performance.now() - start;
  const measured = new Map(result.documents.map((d) => [d.id, d.rate]));
  return { documents: docs.filter((d) => !d.library).length, wallMs, ...score(docs, measured), note: `${result.pairs.length} 对 pairs` };
}

async function childDolos(file: string): Promise<Omit<Run, 'peakRssMb' | 'corpus' | 'how'>> {
  const { Dolos, File }: DolosModule = await loadDolos((line) => console.error(line));
  const { docs, templates } = await readCorpus(file);
  // the same normalized text casejury compares (Dolos's char tokenizer then sees one token per countable character)
  const files = docs.map((d) => new File(d.id, unitsToString(normalize(d.text).chars)));
  const template = templates.length ? new File('template.txt', unitsToString(normalize(templates.join('\n')).chars)) : undefined;
  const start = performance.now();
  const dolos = new Dolos({ language: 'char', kgramLength: DEFAULT_OPTIONS.minMatch });
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
  return { documents: docs.filter((d) => !d.library).length, wallMs, ...score(docs, measured), note: `${pairs.length} 对 pairs` };
}

function spawnJson(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env }, cwd: ROOT });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, out, ms: performance.now() - started }));
  });
}

async function engineRun(engine: 'casejury' | 'Dolos', corpus: Run['corpus'], file: string): Promise<Run> {
  const heapMb = engine === 'Dolos' ? 12_000 : 4_000;
  const script = fileURLToPath(import.meta.url);
  const { code, out } = await spawnJson([...process.execArgv, `--max-old-space-size=${heapMb}`, script, '--child', engine, '--file', file]);
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`${engine} 子进程失败（退出码 ${code}）：${out.slice(-500)}`);
  return { ...JSON.parse(line), corpus, how: engine === 'Dolos' ? 'Dolos（引擎 engine）' : 'casejury（引擎 engine）' };
}

/** `casejury scan FOLDER --library LIB --json OUT --xlsx OUT` on the corpus written as files, as an organizer runs it. */
async function cliRun(corpus: CorpusFile, dir: string): Promise<Run> {
  const { docs } = await readCorpus(corpus.file);
  const entries = path.join(dir, 'entries');
  const library = path.join(dir, 'library');
  for (const d of docs) {
    const file = d.library ? path.join(library, d.id) : path.join(entries, d.id);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, d.text);
  }
  const [json, xlsx, usage] = ['out.json', 'out.xlsx', 'usage.json'].map((f) => path.join(dir, f));
  const { code, ms } = await spawnJson(
    [
      '--import',
      path.join(ROOT, 'scripts/lib/usage-on-exit.mjs'),
      path.join(ROOT, 'bin/casejury.js'),
      'scan',
      entries,
      '--library',
      library,
      '--json',
      json,
      '--xlsx',
      xlsx,
    ],
    { CASEJURY_BENCH_USAGE: usage },
  );
  if (code !== 0) throw new Error(`casejury scan 退出码 ${code}`);
  const { peakRssMb } = JSON.parse(await readFile(usage, 'utf8'));
  const report = JSON.parse(await readFile(json, 'utf8')) as ScanReport;
  const measured = new Map(report.documents.map((d) => [d.path, d.rate]));
  const flagged = new Map(report.documents.map((d) => [d.path, d.flagged]));
  const reported = new Set(report.pairs.filter((p) => p.crossProject).map((p) => [p.a, p.b].sort().join('\n')));
  const twins = corpus.twins.filter((t) => reported.has([...t].sort().join('\n'))).length;
  const sizes = `JSON ${((await stat(json)).size / 2 ** 20).toFixed(1)} MB, xlsx ${((await stat(xlsx)).size / 2 ** 20).toFixed(1)} MB`;
  await rm(dir, { recursive: true, force: true });
  return {
    corpus: 'realistic',
    how: 'casejury scan（命令行 CLI）',
    documents: docs.filter((d) => !d.library).length,
    wallMs: ms,
    peakRssMb,
    ...score(docs, measured, flagged),
    note: `${report.pairs.length} 对 pairs，一稿多投 twins ${twins}/${corpus.twins.length}，${sizes}`,
  };
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const loadavg = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function printRun(run: Run): void {
  console.log(
    [
      run.corpus === 'realistic' ? '真实风格 realistic' : '植入 planted',
      fmt(run.documents),
      run.how,
      fmt(run.wallMs / 1000, 2),
      fmt(run.documents / (run.wallMs / 1000)),
      fmt(run.peakRssMb),
      run.medianError.toFixed(4),
      run.maxError.toFixed(4),
      run.wrongSide,
      run.note,
    ].join('\t'),
  );
}

/** The accuracy corpus: every alteration, template text, quotations, twins, common text. */
function accuracyCorpus(): string[] {
  const corpus = plantCorpus(ACCURACY_SPEC);
  const result = findSimilarity(
    corpus.documents.map((d) => ({ id: d.path, text: d.text, category: d.category, library: d.library })),
    corpus.templates,
    { threshold: THRESHOLD },
  );
  const docs = corpus.documents.map(benchDocument);
  const s = score(docs, new Map(result.documents.map((d) => [d.id, d.rate])));
  const twins = corpus.twins.filter(([a, b]) =>
    result.pairs.some((p) => p.suspect && [p.a, p.b].sort().join() === [a, b].sort().join()),
  ).length;
  const ok = s.medianError <= 0.005 && s.maxError <= 0.02 && s.wrongSide === 0 && twins === corpus.twins.length;
  return [
    `准确性语料 accuracy corpus（${result.documents.length} 篇，每 15–20 字改一字的轻改写等全部改写方式）：` +
      `中位误差 median error ${s.medianError.toFixed(4)}（目标 ≤ 0.005），最大误差 max ${s.maxError.toFixed(4)}（≤ 0.02），` +
      `错判 wrong side ${s.wrongSide}（0），一稿多投 twins ${twins}/${corpus.twins.length} — ${ok ? '达标 met' : '未达标 NOT MET'}`,
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      file: { type: 'string' },
      sizes: { type: 'string', default: '1000,2000,10000,30000' },
      'planted-sizes': { type: 'string', default: '1000,10000' },
      baseline: { type: 'string' },
      'dolos-sizes': { type: 'string', default: '2000' },
    },
  });
  if (values.child) {
    if (!values.file) throw new Error('--file is required with --child');
    const run = await (values.child === 'Dolos' ? childDolos : childCasejury)(values.file);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ ...run, peakRssMb })}\n`);
    return;
  }
  const list = (s: string): number[] =>
    s
      .split(',')
      .map(Number)
      .filter((n) => n > 0);
  const sizes = list(values.sizes);
  const plantedSizes = list(values['planted-sizes']);
  const dolosSizes = values.baseline === 'dolos' ? list(values['dolos-sizes']) : [];
  if (values.baseline && values.baseline !== 'dolos') throw new Error(`未知的比较基线：${values.baseline}（可用 dolos）`);
  await mkdir(CORPUS_CACHE, { recursive: true });
  console.log(
    `查重基准测试 similarity benchmark — ${os.cpus().length} 核 cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GB, Node ${process.version}`,
  );
  console.log(`负载 load average at start: ${loadavg()}（机器与其他任务共用时数字偏慢 / slower when shared with other jobs）\n`);
  // the CLI runs built JavaScript, built on its first run: build before anything is timed
  await spawnJson([path.join(ROOT, 'bin/casejury.js'), '--help']);
  for (const line of accuracyCorpus()) console.log(line);
  console.log('');
  console.log(
    [
      '语料 corpus',
      '文档数 docs',
      '方式 how',
      '耗时 wall s',
      '文档/秒 docs/s',
      '峰值内存 peak RSS MB',
      '中位误差 median err',
      '最大误差 max err',
      '错判 wrong side',
      '',
    ].join('\t'),
  );
  const runs: Run[] = [];
  const attempt = async (what: string, run: () => Promise<Run>): Promise<void> => {
    try {
      const r = await run();
      runs.push(r);
      printRun(r);
    } catch (err) {
      console.log(`${what}\t${(err as Error).message}`);
    }
  };
  for (const size of [...new Set([...sizes, ...dolosSizes])].sort((a, b) => a - b)) {
    const corpus = await realisticFile(size);
    if (sizes.includes(size)) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'casejury-bench-cli-'));
      await attempt(`${size} CLI`, () => cliRun(corpus, dir));
    }
    if (dolosSizes.includes(size)) {
      await attempt(`${size} casejury`, () => engineRun('casejury', 'realistic', corpus.file));
      await attempt(`${size} Dolos`, () => engineRun('Dolos', 'realistic', corpus.file));
    }
  }
  for (const size of plantedSizes) {
    const corpus = await plantedFile(size);
    await attempt(`${size} planted`, () => engineRun('casejury', 'planted', corpus.file));
    if (dolosSizes.includes(size)) await attempt(`${size} Dolos`, () => engineRun('Dolos', 'planted', corpus.file));
  }
  if (realisticSource.prose)
    console.log(
      `\n真实风格语料的字符模型训练文本 prose: ${realisticSource.prose}；盐 salt: shared/seeds 通知的分句 ${realisticSource.clauses} 条`,
    );

  console.log('\n目标 targets:');
  const cli = runs.filter((r) => r.how.startsWith('casejury scan'));
  // a corpus of n entries holds n and its twins
  const at = (n: number) => cli.find((r) => r.documents >= n && r.documents < n * 1.01);
  const check = (ok: boolean | undefined) => (ok === undefined ? '未测 not run' : ok ? '达标 met' : '未达标 NOT MET');
  const r10 = at(10_000);
  const measured10 = r10 ? `${fmt(r10.wallMs / 1000, 1)} 秒，${fmt(r10.peakRssMb)} MB — ` : '';
  console.log(
    `  10,000 篇（CLI，--json --xlsx）≤ 10 秒且 ≤ 1 GB：${measured10}${check(r10 && r10.wallMs <= 10_000 && r10.peakRssMb <= 1024)}`,
  );
  const [r1, r30] = [at(1000), at(30_000)];
  const growth = r1 && r30 ? r30.wallMs / r30.documents / (r1.wallMs / r1.documents) : undefined;
  const measured30 = `${r30 ? `${fmt(r30.wallMs / 1000, 1)} 秒` : ''}${growth ? `，${growth.toFixed(2)} 倍` : ''}`;
  const met30 = check(r30 && growth !== undefined && r30.wallMs <= 40_000 && growth <= 1.5);
  console.log(`  30,000 篇 ≤ 40 秒，每篇耗时不超过 1,000 篇时的 1.5 倍：${measured30} — ${met30}`);
  for (const d of runs.filter((r) => r.how.startsWith('Dolos'))) {
    const ours = runs.find((r) => r.how.startsWith('casejury（') && r.documents === d.documents && r.corpus === d.corpus);
    // Dolos's accuracy is scored on the same corpus and truth
    if (!ours) continue;
    const ratio = d.wallMs / ours.wallMs;
    const accurate = ours.medianError <= d.medianError && ours.maxError <= d.maxError && ours.wrongSide <= d.wrongSide;
    console.log(
      `  ${d.corpus === 'realistic' ? '真实风格' : '植入'} ${fmt(d.documents)} 篇：Dolos / casejury 耗时比 ${ratio.toFixed(1)}×（目标 ≥ 20×），` +
        `内存比 ${(d.peakRssMb / ours.peakRssMb).toFixed(1)}×，准确性${accurate ? '不差于' : '不如'} Dolos — ${check(ratio >= 20 && accurate)}`,
    );
  }
  console.log(`\n负载 load average at end: ${loadavg()}`);
}

await main();
