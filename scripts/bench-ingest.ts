/**
 * Ingestion benchmark: 1,000 case documents (~3,000 Chinese characters each) in the official
 * folder layout, imported into a fresh SQLite database, once as .docx, once as .doc and once as
 * PDF. Prints documents per second for each format and the peak resident memory, then the OCR
 * time per page of a scanned 登记表. Target: ≥ 50 documents/s on 2 cores for .docx.
 *
 * The .doc and PDF files are made by LibreOffice from 20 of the generated .docx (when `soffice` is
 * installed; otherwise the committed fixtures stand in for them), and repeated: every file is
 * still read and extracted on its own.
 *
 *   npm run bench:ingest [-- --docs 1000] [--ocr-pages 3]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { caseDocumentSpec, makeDocx } from '../test/helpers/docx.ts';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000' },
    'ocr-pages': { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const DOCS = Number(values.docs);
const OCR_PAGES = Number(values['ocr-pages']);
const FORMATS = ['docx', 'doc', 'pdf'] as const;
type Format = (typeof FORMATS)[number];
/** Distinct .doc and PDF files LibreOffice makes; the import reads each copy on its own anyway. */
const CONVERTED = 20;

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-bench-ingest-'));
// The data folder (blob store) must be chosen before the store is first used.
process.env.CASEJURY_DATA = path.join(work, 'data');
const { openMigratedDb } = await import('../src/db/connect.ts');
const { createContest } = await import('../src/contests/index.ts');
const { importPath } = await import('../src/ingest/import.ts');
const { ocrDocument, ocrUnavailable } = await import('../src/ingest/extract/ocr.ts');

const STAGES = ['小学', '初中', '高中', '幼儿园'];
const SCHOOLS = ['XX市实验小学', '第一中学', '育才中学', '阳光幼儿园', '城关镇中心校', '第二实验学校'];
const SURNAMES = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '华', '玉兰'];
const CATEGORIES = ['区域研修应用案例', '校本研修应用案例', '线上名师名校长工作室建设与应用案例'];
const SEPARATORS = ['+', '-', '_', '—'];

const titleOf = (i: number) => `基于国家平台的研修实践探索之${i + 1}`;

/** The folder of the i-th work in the official layout. */
function folderOf(root: string, i: number): string {
  // Two works per teacher on average, spread over the three categories.
  const t = Math.floor(i / 2);
  const sep = SEPARATORS[t % SEPARATORS.length];
  const teacher = `${SURNAMES[t % SURNAMES.length]}${GIVEN[(t * 7) % GIVEN.length]}`;
  // The school carries the teacher number so every level-1 folder is distinct.
  const level1 = [STAGES[t % STAGES.length], `${t}号${SCHOOLS[t % SCHOOLS.length]}`, teacher].join(sep);
  return path.join(root, level1, CATEGORIES[i % CATEGORIES.length], titleOf(i));
}

/** .doc and PDF versions of the first CONVERTED documents, by LibreOffice; the fixtures when it is not installed. */
async function converted(docxDir: string, format: 'doc' | 'pdf'): Promise<{ files: Buffer[]; by: string }> {
  const out = path.join(work, `converted-${format}`);
  await fs.mkdir(out, { recursive: true });
  try {
    const inputs = Array.from({ length: CONVERTED }, (_, i) => path.join(docxDir, `${i}.docx`));
    const filter = format === 'doc' ? 'doc:MS Word 97' : 'pdf:writer_pdf_Export';
    execFileSync('soffice', ['--headless', '--norestore', '--convert-to', filter, '--outdir', out, ...inputs], {
      stdio: 'ignore',
      env: { ...process.env, HOME: work },
    });
    const files = await Promise.all(inputs.map((f) => fs.readFile(path.join(out, `${path.parse(f).name}.${format}`))));
    return { files, by: 'LibreOffice' };
  } catch {
    const fixture = format === 'doc' ? 'case.doc' : 'case-libreoffice.pdf';
    return { files: [await fs.readFile(path.join('test/fixtures/documents', fixture))], by: `fixture ${fixture}` };
  }
}

async function generate(root: string, format: Format, sources: Buffer[]): Promise<void> {
  for (let i = 0; i < DOCS; i++) {
    const dir = folderOf(root, i);
    await fs.mkdir(dir, { recursive: true });
    const data = format === 'docx' ? await makeDocx(caseDocumentSpec(titleOf(i), i + 1, 3000)) : sources[i % sources.length];
    await fs.writeFile(path.join(dir, `案例介绍.${format}`), data);
  }
}

let t0 = performance.now();
const docxDir = path.join(work, 'docx');
await fs.mkdir(docxDir, { recursive: true });
for (let i = 0; i < CONVERTED; i++)
  await fs.writeFile(path.join(docxDir, `${i}.docx`), await makeDocx(caseDocumentSpec(titleOf(i), i + 1, 3000)));
const sources = { docx: { files: [], by: 'docx (npm)' }, doc: await converted(docxDir, 'doc'), pdf: await converted(docxDir, 'pdf') };
console.log(`准备 .doc / PDF 样本用时 ${((performance.now() - t0) / 1000).toFixed(1)} s（${sources.doc.by}）`);

const db = await openMigratedDb(path.join(work, 'bench.db'));
const rulesFile = 'rules/2024-platform-cases-teacher-training.yaml';
const rulesYaml = await fs.readFile(rulesFile, 'utf8');

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const results: Record<string, unknown> = {};
let reimport: { unchanged: number; seconds: number } | null = null;
for (const format of FORMATS) {
  const root = path.join(work, `submissions-${format}`);
  t0 = performance.now();
  await generate(root, format, sources[format].files);
  console.log(`生成 ${DOCS} 个 .${format} 用时 ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const contestId = await createContest(db, { rulesYaml, rulesSource: path.basename(rulesFile), userId: null });
  t0 = performance.now();
  const summary = await importPath(db, contestId, root);
  const seconds = (performance.now() - t0) / 1000;
  const withText = await db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('e.contest_id', '=', contestId)
    .where('f.text', 'is not', null)
    .executeTakeFirstOrThrow();
  results[format] = {
    documents: DOCS,
    made: sources[format].by,
    entries: summary.imported,
    documentsWithText: Number(withText.n),
    errors: summary.errors.length,
    seconds: Number(seconds.toFixed(2)),
    documentsPerSecond: Number((DOCS / seconds).toFixed(1)),
  };
  if (format === 'docx') {
    // Re-importing the same folder reads and hashes every file but writes nothing.
    t0 = performance.now();
    const again = await importPath(db, contestId, root);
    reimport = { unchanged: again.unchanged, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) };
  }
}
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

// OCR: the scanned 登记表 fixture, one page, read OCR_PAGES times.
let ocr: Record<string, unknown> = { skipped: await ocrUnavailable() };
if (!ocr.skipped && OCR_PAGES > 0) {
  const scan = await fs.readFile('test/fixtures/documents/registration-scan.pdf');
  t0 = performance.now();
  let pages = 0;
  for (let i = 0; i < OCR_PAGES; i++) pages += (await ocrDocument(scan, 'pdf')).pages;
  const seconds = (performance.now() - t0) / 1000;
  ocr = { pages, seconds: Number(seconds.toFixed(2)), secondsPerPage: Number((seconds / pages).toFixed(2)) };
}

console.log(
  JSON.stringify(
    {
      ...results,
      docxReimport: reimport,
      ocr,
      peakRssMb: Math.round(peakRss / 1024 ** 2),
      cpus: os.availableParallelism(),
    },
    null,
    2,
  ),
);
await db.destroy();
if (!values.keep) await fs.rm(work, { recursive: true, force: true });
