/**
 * Eligibility benchmark: 1,000 entries in the official folder layout (信息表 PDF, a ~3,000-字
 * 案例介绍 .docx, a 1080p 数字故事 MP4 and a photo each, under the Fujian rule set whose
 * 创新场景 category also checks fonts and video encoding), imported into a fresh SQLite
 * database, then every check run on all of them. Prints the wall time of the checks, which
 * read each stored .docx (typesetting) and each video's headers. Target: < 10 s on 2 cores.
 *
 *   npm run bench:eligibility [-- --entries 1000] [-- --keep]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { countWords } from '../src/eligibility/documents.ts';
import { makeStyledDocx } from '../test/fixtures-media/docx.ts';
import { makeMp4 } from '../test/fixtures-media/mp4.ts';
import { makePdf } from '../test/fixtures-media/pdf.ts';
import { ProseGenerator } from './lib/prose.ts';
import { Random } from './lib/random.ts';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '1000' }, keep: { type: 'boolean', default: false } } });
const ENTRIES = Number(values.entries);

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-bench-eligibility-'));
// The data folder (blob store) must be chosen before the store is first used.
process.env.CASEJURY_DATA = path.join(work, 'data');
const { openMigratedDb } = await import('../src/db/connect.ts');
const { createContest } = await import('../src/contests/index.ts');
const { importPath } = await import('../src/ingest/import.ts');
const { runChecks } = await import('../src/eligibility/store/run.ts');
const { eligibilityBoard } = await import('../src/eligibility/store/board.ts');
const { eligibilityXlsx } = await import('../src/eligibility/store/export.ts');

const STAGES = ['小学', '初中', '高中'];
const SURNAMES = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '华', '玉兰'];
const CATEGORIES = ['区域研修应用案例', '校本研修应用案例', '创新场景应用'];
const HEADINGS = ['一、内容导图', '二、基本情况', '三、过程与举措', '四、经验与成效', '五、特色与创新'];

const random = new Random(20240601);
const prose = new ProseGenerator(random);

/** A section body of about `words` 字. */
function body(words: number): string {
  let text = '';
  while (countWords(text) < words) text += prose.sentence();
  return text;
}

async function generate(root: string): Promise<void> {
  for (let i = 0; i < ENTRIES; i++) {
    const teacher = `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}`;
    const level1 = [STAGES[i % STAGES.length], `第${i + 1}实验学校`, teacher].join('+');
    const title = prose.title();
    const dir = path.join(root, level1, CATEGORIES[i % CATEGORIES.length], title);
    // One case in four is set in the wrong fonts, one story in five runs over 10 minutes.
    const wrongFonts = i % 4 === 3;
    const docx = await makeStyledDocx({
      title: { text: title, font: wrongFonts ? '宋体' : '黑体', sizePt: wrongFonts ? 22 : 16 },
      lineSpacing: 1,
      sections: HEADINGS.map((h) => ({
        heading: { text: h, font: '楷体_GB2312', sizePt: 14 },
        paragraphs: [{ text: body(580), font: wrongFonts ? '宋体' : '仿宋_GB2312', sizePt: wrongFonts ? 12 : 14 }],
      })),
    });
    const minutes = i % 5 === 4 ? 12 : 4 + (i % 6);
    await fs.mkdir(path.join(dir, '支撑材料'), { recursive: true });
    await fs.writeFile(path.join(dir, '案例信息表.pdf'), makePdf(['典型案例信息表', `案例名称 ${title}`, `作者信息 ${teacher}`]));
    await fs.writeFile(path.join(dir, '案例介绍.docx'), docx);
    await fs.writeFile(
      path.join(dir, '数字故事.mp4'),
      makeMp4({ seconds: minutes * 60, width: 1920, height: 1080, fps: 25, frameBytes: 40_000, audioSampleRate: 48000 }),
    );
    await fs.writeFile(path.join(dir, '支撑材料', '活动照片.jpg'), Buffer.from(`photo ${i}`));
  }
}

const root = path.join(work, 'submissions');
let t0 = performance.now();
await generate(root);
console.log(`生成 ${ENTRIES} 件作品用时 ${((performance.now() - t0) / 1000).toFixed(1)} s（${root}）`);

const db = await openMigratedDb(path.join(work, 'bench.db'));
const rulesFile = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const contestId = await createContest(db, {
  rulesYaml: await fs.readFile(rulesFile, 'utf8'),
  rulesSource: path.basename(rulesFile),
  userId: null,
});
t0 = performance.now();
const imported = await importPath(db, contestId, root);
const importSeconds = (performance.now() - t0) / 1000;
console.log(`导入用时 ${importSeconds.toFixed(1)} s`);

t0 = performance.now();
const summary = await runChecks(db, contestId);
const checkSeconds = (performance.now() - t0) / 1000;

t0 = performance.now();
const board = await eligibilityBoard(db, contestId);
const boardSeconds = (performance.now() - t0) / 1000;
t0 = performance.now();
const xlsx = await eligibilityXlsx(db, contestId);
const xlsxSeconds = (performance.now() - t0) / 1000;

console.log(
  JSON.stringify(
    {
      entries: imported.imported,
      importErrors: imported.errors.length,
      checked: summary.checked,
      verdicts: { pass: summary.pass, warn: summary.warn, fail: summary.fail },
      checksPerEntry: Number((board.entries.reduce((s, e) => s + e.checks.length, 0) / board.entries.length).toFixed(1)),
      checkSeconds: Number(checkSeconds.toFixed(2)),
      targetSeconds: 10,
      boardSeconds: Number(boardSeconds.toFixed(2)),
      xlsxSeconds: Number(xlsxSeconds.toFixed(2)),
      xlsxKb: Math.round(xlsx.length / 1024),
      cpus: os.availableParallelism(),
    },
    null,
    2,
  ),
);
await db.destroy();
if (!values.keep) await fs.rm(work, { recursive: true, force: true });
