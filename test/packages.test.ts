import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contestAwards } from '../src/awards/store/contest.ts';
import { createContest, contestRuleSet } from '../src/contests/index.ts';
import { type Db, nowIso, openMigratedDb } from '../src/db/connect.ts';
import { reviewScores } from '../src/db/columns.ts';
import { importPath } from '../src/ingest/import.ts';
import { createContestFromPackage } from '../src/packages/store/create.ts';
import { writePackage } from '../src/packages/store/export.ts';
import { LocalBlobStore } from '../src/storage/blobs.ts';
import { addUnit } from '../src/units/store/units.ts';
import { cliJson } from './helpers/cli.ts';
import { testDatabases } from './helpers/db.ts';
import { makeDocx } from './helpers/docx.ts';
import { makeZip } from './helpers/zip.ts';
import { ProseGenerator } from '../scripts/lib/prose.ts';
import { Random } from '../scripts/lib/random.ts';
import { runChecks } from '../src/eligibility/store/run.ts';
import { decideByCode } from '../src/flow/store/decide.ts';
import { runContestScan } from '../src/similarity/store/scan.ts';

const FUJIAN = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const NATIONAL = 'rules/2024-platform-cases-teacher-training.yaml';
const TRAINING = ['区域研修应用案例', '校本研修应用案例', '线上工作室建设与应用案例'];
const TEACHERS = ['张伟', '李娜', '王芳', '刘洋', '陈静', '杨磊', '黄敏', '赵强', '周婷', '吴涛', '徐丽', '孙鹏', '郑凯', '冯雪', '何平'];

/** 12 教师研修 entries (4 per category) and 3 创新场景 entries, as teachers' folders in a zip; every case its own prose. */
async function fujianSubmissions(): Promise<Buffer> {
  const prose = new ProseGenerator(new Random(17));
  const files: { name: string; data: Buffer }[] = [];
  const add = async (i: number, category: string) => {
    const title = `${category.slice(0, 4)}赋能教师成长的实践（${i + 1}）`;
    const folder = `小学+福州实验小学+${TEACHERS[i]}/${category}/${title}`;
    const doc = await makeDocx({
      title,
      sections: ['一、基本情况', '二、过程与举措', '三、经验与成效', '四、特色与创新'].map((heading) => ({
        heading,
        paragraphs: [prose.paragraph(6).join(''), prose.paragraph(6).join('')],
      })),
    });
    files.push(
      { name: `${folder}/案例介绍.docx`, data: doc },
      { name: `${folder}/案例信息表.pdf`, data: Buffer.from(`%PDF-1.4 ${title}`) },
    );
  };
  for (let i = 0; i < 12; i++) await add(i, TRAINING[i % 3]);
  for (let i = 12; i < 15; i++) await add(i, '创新场景应用案例');
  return makeZip(files);
}

/**
 * Takes the contest through its gates as an organizer would: 形式审查 and 查重 run, what they leave open kept with a
 * reason (the test entries carry no 数字故事), so the scored entries are ranked.
 */
async function passGates(db: Db, contestId: number, blobs: LocalBlobStore): Promise<void> {
  await runChecks(db, contestId, { blobs });
  await runContestScan(db, contestId, { userId: null });
  for (const on of ['eligibility', 'similarity', 'suspect'] as const) {
    await decideByCode(db, contestId, { on, keep: true, codes: null, reason: '材料已另行补交，原创', userId: null });
  }
}

/** Three submitted reviews per entry, the entry's index setting its level (higher index, lower score). */
async function score(db: Db, contestId: number): Promise<void> {
  const ruleSet = await contestRuleSet(db, contestId);
  const entries = await db
    .selectFrom('entries as e')
    .innerJoin('categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'e.code', 'c.key'])
    .where('e.contest_id', '=', contestId)
    .orderBy('e.code')
    .execute();
  const now = nowIso();
  const experts: number[] = [];
  for (let k = 0; k < 3; k++) {
    const { id } = await db
      .insertInto('users')
      .values({
        username: `fj${contestId}-${k}`,
        display_name: `专家${k}`,
        password_hash: 'x',
        role: 'expert',
        unit: null,
        county: null,
        phone: null,
        email: null,
        must_change_password: 0,
        specialties: null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    experts.push(id);
  }
  for (const [i, e] of entries.entries()) {
    const criteria = ruleSet.categories.find((c) => c.key === e.key)?.rubric.criteria ?? [];
    for (const expert of experts) {
      const { id: assignmentId } = await db
        .insertInto('assignments')
        .values({ contest_id: contestId, entry_id: e.id, expert_id: expert, status: 'active', reason: null, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const scores = Object.fromEntries(criteria.map((c) => [c.key, Math.round(c.max * (0.95 - i * 0.02) * 100) / 100]));
      await db
        .insertInto('reviews')
        .values({
          assignment_id: assignmentId,
          contest_id: contestId,
          entry_id: e.id,
          expert_id: expert,
          scores_json: reviewScores.write(scores),
          comment: '',
          total: null,
          status: 'submitted',
          version: 1,
          return_reason: null,
          updated_at: now,
          submitted_at: now,
        })
        .execute();
    }
  }
}

/** The names and bytes of a zip's entries. */
function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

describe.each(testDatabases)('recommendation packages on $name', ({ open }) => {
  let db: Db;
  let dir: string;
  let blobs: LocalBlobStore;
  let fujian: number;
  let pkg: string;

  beforeAll(async () => {
    db = await open();
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'casejury-package-'));
    process.env.CASEJURY_DATA = dir;
    blobs = new LocalBlobStore(path.join(dir, 'files'));
    fujian = await createContest(db, { rulesYaml: fs.readFileSync(FUJIAN, 'utf8'), rulesSource: path.basename(FUJIAN), userId: null });
    const province = await addUnit(db, fujian, { name: '福建省', kind: '省', parentId: null, aliases: [] }, null);
    await addUnit(db, fujian, { name: '福州市', kind: '市', parentId: province, aliases: [] }, null);
    const zip = path.join(dir, '福建报送.zip');
    await fsp.writeFile(zip, await fujianSubmissions());
    const imported = await importPath(db, fujian, zip, { blobs });
    expect(imported.imported).toBe(15);
    await passGates(db, fujian, blobs);
    await score(db, fujian);
    pkg = path.join(dir, '福建省推荐包.zip');
  });
  afterAll(async () => {
    delete process.env.CASEJURY_DATA;
    await db.destroy();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('exports the 教师研修 prize winners as the official layout with the 推荐汇总表 and their results', async () => {
    const awards = await contestAwards(db, fujian);
    const training = awards.groups.filter((g) => g.categoryKey !== 'innovative-scenarios').flatMap((g) => g.entries);
    const winners = training.filter((e) => e.band !== null);
    expect(winners.length).toBeGreaterThan(0);
    expect(awards.groups.find((g) => g.categoryKey === 'innovative-scenarios')?.entries.some((e) => e.band !== null)).toBe(true);

    const written = await writePackage(db, fujian, pkg, blobs);
    expect(written.recommender).toBe('福建省');
    expect(written.entries.sort()).toEqual(winners.map((e) => e.code).sort());

    const files = await readZip(pkg);
    const sheetBytes = files.get('推荐汇总表.xlsx');
    if (!sheetBytes) throw new Error('no 推荐汇总表.xlsx in the package');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheetBytes as unknown as ArrayBuffer);
    const summary = wb.getWorksheet('推荐汇总表');
    const results = wb.getWorksheet('评审结果');
    if (!summary || !results) throw new Error('package sheets missing');
    expect(summary.getRow(1).values).toEqual([
      undefined,
      '序号',
      '来源编号',
      '作品名称',
      '参赛项目',
      '组别',
      '作者',
      '单位',
      '区县',
      '联系电话',
      '推荐单位',
      '文件夹',
    ]);
    expect(results.getRow(1).values).toEqual([undefined, '来源编号', '作品名称', '形式审查', '重复率', '最终得分', '奖项']);
    const first = winners[0];
    const row = (results.getSheetValues() as unknown[][]).find((r) => r?.[1] === first.code);
    expect(row?.slice(3, 4)).toEqual([expect.stringMatching(/^(通过|通过（有警告）|未通过)(，组织者确认通过)?$/)]);
    expect(row?.slice(4)).toEqual([expect.stringMatching(/^\d+\.\d%$/), first.score, first.band]);
    // Every entry's files sit under its folder in the official layout.
    const folder = (summary.getSheetValues() as unknown[][]).find((r) => r?.[2] === first.code)?.[11];
    expect(String(folder)).toMatch(/^小学\+福州实验小学\+[^/]+\/(区域研修|校本研修|线上工作室)[^/]+\/[^/]+$/);
    expect(files.get(`${folder}/案例介绍.docx`)?.subarray(0, 2).toString()).toBe('PK');
  });

  it('creates the national contest from it with exactly those entries and their scores; a second import adds nothing', async () => {
    const awards = await contestAwards(db, fujian);
    const winners = new Map(
      awards.groups
        .filter((g) => g.categoryKey !== 'innovative-scenarios')
        .flatMap((g) => g.entries)
        .filter((e) => e.band !== null)
        .map((e) => [`福建省/${e.code}`, e.score]),
    );
    const { contestId: national, summary } = await createContestFromPackage(db, {
      packagePath: pkg,
      rulesYaml: fs.readFileSync(NATIONAL, 'utf8'),
      rulesSource: path.basename(NATIONAL),
      name: '2024年全国教师研修案例（福建推荐）',
      userId: null,
      blobs,
    });
    expect(summary.imported).toBe(winners.size);
    const entries = await db
      .selectFrom('entries as e')
      .leftJoin('units as u', 'u.id', 'e.unit_id')
      .leftJoin('categories as c', 'c.id', 'e.category_id')
      .select(['e.source_code', 'e.source_score', 'e.source_result', 'u.name as unit', 'c.key'])
      .where('e.contest_id', '=', national)
      .execute();
    expect(new Map(entries.map((e) => [e.source_code, e.source_score]))).toEqual(winners);
    expect(entries.every((e) => e.unit === '福建省' && e.key !== null)).toBe(true);
    expect(entries[0].source_result).toMatch(/^奖项：.+；形式审查：.+；重复率：\d+\.\d%$/);

    const again = await importPath(db, national, pkg, { blobs });
    expect(again).toMatchObject({ imported: 0, unchanged: winners.size });
    const count = await db
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('contest_id', '=', national)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(winners.size);
  });
});

describe('packages by the command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'casejury-package-cli-'));
    process.env.CASEJURY_DATA = dir;
  });
  afterAll(async () => {
    delete process.env.CASEJURY_DATA;
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('casejury package writes the package and contest create --from-package builds the next level from it', async () => {
    const dbFile = path.join(dir, 'casejury.db');
    const fj = await cliJson<{ id: number }>('contest', 'create', '--rules', FUJIAN, '--db', dbFile);
    const zip = path.join(dir, 'in.zip');
    await fsp.writeFile(zip, await fujianSubmissions());
    await cliJson('import', String(fj.id), zip, '--db', dbFile);
    await cliJson('check', String(fj.id), '--db', dbFile);
    await cliJson('scan', '--contest', String(fj.id), '--db', dbFile);
    for (const on of ['eligibility', 'similarity', 'suspect']) {
      await cliJson('decide', String(fj.id), '--all-open', '--on', on, '--keep', '--reason', '材料已另行补交', '--db', dbFile);
    }
    const db = await openMigratedDb(dbFile);
    try {
      await score(db, fj.id);
    } finally {
      await db.destroy();
    }
    const out = path.join(dir, '推荐包.zip');
    const written = await cliJson<{ entries: string[]; recommender: string }>(
      'package',
      String(fj.id),
      '--out',
      out,
      '--band',
      '二等奖',
      '--db',
      dbFile,
    );
    expect(written.entries.length).toBe(3);
    const created = await cliJson<{ id: number; imported: { imported: number } }>(
      'contest',
      'create',
      '--from-package',
      out,
      '--rules',
      NATIONAL,
      '--name',
      '全国推荐',
      '--db',
      dbFile,
    );
    expect(created.imported.imported).toBe(3);
    const again = await cliJson<{ imported: number; unchanged: number }>('import', String(created.id), out, '--db', dbFile);
    expect(again).toMatchObject({ imported: 0, unchanged: 3 });
  });
});
