/**
 * Ingestion benchmark: 1,000 Word documents (~3,000 Chinese characters each) in the official
 * folder layout, imported into a fresh SQLite database. Prints documents per second and the
 * peak resident memory during the import. Target: ≥ 50 documents/s on 2 cores.
 *
 *   npm run bench:ingest [-- --docs 1000]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { caseDocumentSpec, makeDocx } from '../test/helpers/docx.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '1000' }, keep: { type: 'boolean', default: false } } });
const DOCS = Number(values.docs);

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-bench-ingest-'));
// The data folder (blob store) must be chosen before the store is first used.
process.env.CASEJURY_DATA = path.join(work, 'data');
const { openMigratedDb } = await import('../src/db/connect.ts');
const { createContest } = await import('../src/contests/index.ts');
const { importPath } = await import('../src/ingest/import.ts');

const STAGES = ['小学', '初中', '高中', '幼儿园'];
const SCHOOLS = ['XX市实验小学', '第一中学', '育才中学', '阳光幼儿园', '城关镇中心校', '第二实验学校'];
const SURNAMES = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '华', '玉兰'];
const CATEGORIES = ['区域研修应用案例', '校本研修应用案例', '线上名师名校长工作室建设与应用案例'];
const SEPARATORS = ['+', '-', '_', '—'];

async function generate(root: string): Promise<void> {
  for (let i = 0; i < DOCS; i++) {
    // Two works per teacher on average, spread over the three categories.
    const t = Math.floor(i / 2);
    const sep = SEPARATORS[t % SEPARATORS.length];
    const teacher = `${SURNAMES[t % SURNAMES.length]}${GIVEN[(t * 7) % GIVEN.length]}`;
    // The school carries the teacher number so every level-1 folder is distinct.
    const level1 = [STAGES[t % STAGES.length], `${t}号${SCHOOLS[t % SCHOOLS.length]}`, teacher].join(sep);
    const title = `基于国家平台的研修实践探索之${i + 1}`;
    const dir = path.join(root, level1, CATEGORIES[i % CATEGORIES.length], title);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, '案例介绍.docx'), await makeDocx(caseDocumentSpec(title, i + 1, 3000)));
  }
}

const root = path.join(work, 'submissions');
let t0 = performance.now();
await generate(root);
console.log(`生成 ${DOCS} 个 .docx 用时 ${((performance.now() - t0) / 1000).toFixed(1)} s（${root}）`);

const db = await openMigratedDb(path.join(work, 'bench.db'));
const rulesFile = 'rules/2024-platform-cases-teacher-training.yaml';
const contestId = await createContest(db, {
  rulesYaml: await fs.readFile(rulesFile, 'utf8'),
  rulesSource: path.basename(rulesFile),
  userId: null,
});

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
t0 = performance.now();
const summary = await importPath(db, contestId, root);
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

// Re-importing the same folder reads and hashes every file but writes nothing.
t0 = performance.now();
const again = await importPath(db, contestId, root);
const reimportSeconds = (performance.now() - t0) / 1000;

const withText = await db
  .selectFrom('files')
  .select((eb) => eb.fn.countAll().as('n'))
  .where('text', 'is not', null)
  .executeTakeFirstOrThrow();
console.log(
  JSON.stringify(
    {
      documents: DOCS,
      entries: summary.imported,
      documentsWithText: Number(withText.n),
      errors: summary.errors.length,
      seconds: Number(seconds.toFixed(2)),
      documentsPerSecond: Number((DOCS / seconds).toFixed(1)),
      peakRssMb: Math.round(peakRss / 1024 ** 2),
      reimportUnchanged: again.unchanged,
      reimportSeconds: Number(reimportSeconds.toFixed(2)),
      cpus: os.availableParallelism(),
    },
    null,
    2,
  ),
);
await db.destroy();
if (!values.keep) await fs.rm(work, { recursive: true, force: true });
