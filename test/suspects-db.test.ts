import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SuspectsContestGenerator } from '../scripts/lib/suspectsCorpus.ts';
import { createContest } from '../src/contests/index.ts';
import { storedSuspects } from '../src/db/columns.ts';
import type { Db } from '../src/db/connect.ts';
import { importPath } from '../src/ingest/import.ts';
import { runContestScan } from '../src/similarity/store/scan.ts';
import { contestSuspects, decideSuspect, listSuspectDecisions } from '../src/suspects/store/suspects.ts';
import { testDatabases } from './helpers/db.ts';
import { makeDocx } from './helpers/docx.ts';
import { makeMp4 } from './fixtures-media/mp4.ts';
import { makePdf } from './fixtures-media/pdf.ts';

/**
 * Suspects of a stored contest (imported from folders through the real importer, authors read
 * from the teacher folders, files stored with their sha256 and text) and the organizer's
 * decisions, flowing into entries.status, eligibility decisions and the audit log.
 */

const RULES_FILE = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const REGIONAL = '区域研修应用案例';
const SCHOOL = '校本研修应用案例';

// 张三 enters one 课题 in both projects (same video, rewritten document); 张三 of another school
// is a namesake with a work of the same subject; 李四 copied most of 王五's document into the
// other project; 赵六 and 钱七 share two photos.
const TWIN_A = `小学+实验小学+张三/${REGIONAL}/依托双师课堂的乡村英语绘本阅读实践探索`;
const TWIN_B = `小学+实验小学+张三/${SCHOOL}/乡村英语绘本阅读双师课堂案例`;
const NAMESAKE = `初中+第二中学+张三/${SCHOOL}/初中英语语法教学的实践研究`;
const ORIGINAL = `小学+城南小学+王五/${REGIONAL}/数学分数乘法大单元教学`;
const COPY = `小学+城北小学+李四/${SCHOOL}/分数乘法单元整体教学设计`;
const PHOTOS_A = `高中+第一中学+赵六/${REGIONAL}/高中物理浮力实验探究`;
const PHOTOS_B = `高中+第三中学+钱七/${SCHOOL}/化学燃烧条件的项目式学习`;

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-suspects-db-'));
  process.env.CASEJURY_DATA = path.join(tmp, 'data');
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

async function write(root: string, rel: string, data: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await fs.writeFile(path.join(root, rel), data);
}

async function makeSubmissions(root: string): Promise<void> {
  const generator = new SuspectsContestGenerator(7);
  const doc = async (title: string, paragraphs: string[][]) =>
    makeDocx({ title, sections: paragraphs.map((p, i) => ({ heading: `${'一二三四五'[i]}、部分`, paragraphs: p })) });
  const fresh = (): string[][] =>
    generator.document(generator.topic(), { name: '某', school: '某校', stage: '小学' }, [16, 24]).map((s) => s.paragraphs);
  const folders = [TWIN_A, TWIN_B, NAMESAKE, ORIGINAL, COPY, PHOTOS_A, PHOTOS_B];
  const texts = new Map(folders.map((f) => [f, fresh()]));
  // most of the original, and a little of its own
  texts.set(COPY, [...texts.get(ORIGINAL)!.slice(0, 4), texts.get(COPY)![4]]);
  for (const [i, folder] of folders.entries()) {
    await write(root, `${folder}/案例介绍.docx`, await doc(folder.split('/').pop()!, texts.get(folder)!));
    await write(root, `${folder}/课堂实录.mp4`, makeMp4({ seconds: 300 + (folder === TWIN_B ? 0 : i), width: 1280, height: 720 }));
    await write(root, `${folder}/原创承诺书.pdf`, makePdf(['原创承诺书']));
  }
  for (const folder of [PHOTOS_A, PHOTOS_B])
    for (const n of [1, 2]) await write(root, `${folder}/活动照片${n}.pdf`.replace('.pdf', '.png'), makePdf([`照片 ${n}`]));
}

describe.each(testDatabases)('contest suspects on $name', ({ open }) => {
  let db: Db;
  let root: string;
  const idOf = async (folder: string): Promise<number> =>
    (
      await db
        .selectFrom('entries')
        .select('id')
        .where('source_path', 'like', `%${folder.split('/').pop()}`)
        .executeTakeFirstOrThrow()
    ).id;
  const statusOf = async (folder: string) =>
    (
      await db
        .selectFrom('entries')
        .select('status')
        .where('id', '=', await idOf(folder))
        .executeTakeFirstOrThrow()
    ).status;
  const contestWith = async (extraYaml = ''): Promise<number> => {
    const contestId = await createContest(db, {
      rulesYaml: (await fs.readFile(RULES_FILE, 'utf8')) + extraYaml,
      rulesSource: path.basename(RULES_FILE),
      userId: null,
    });
    await importPath(db, contestId, root);
    return contestId;
  };
  const pairs = (suspects: Awaited<ReturnType<typeof contestSuspects>>['suspects']) => suspects.map((s) => [s.a.id, s.b.id, s.kind]);

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(tmp, 'submissions-'));
    await makeSubmissions(root);
  });
  beforeEach(async () => {
    db = await open();
  });
  afterEach(() => db.destroy());

  it('finds the same work in two projects and, once scanned, the copied document; never the namesake', async () => {
    const contestId = await contestWith();
    const [twinA, twinB, original, copy] = await Promise.all([TWIN_A, TWIN_B, ORIGINAL, COPY].map(idOf));
    const before = await contestSuspects(db, contestId);
    expect(before.threshold).toBe(0.7);
    expect(before.textRun).toBeNull();
    expect(pairs(before.suspects)).toEqual([[twinA, twinB, '一稿多投']]);
    const twin = before.suspects[0];
    expect(twin.a).toMatchObject({
      code: expect.any(String),
      title: '依托双师课堂的乡村英语绘本阅读实践探索',
      status: 'submitted',
      category: REGIONAL,
      authors: [{ name: '张三', unit: '实验小学' }],
    });
    expect(twin.reasons[0]).toBe('共同作者：张三（实验小学）');
    expect(twin.reasons).toContain('相同视频：课堂实录.mp4（文件内容完全相同）');
    expect(twin.reasons).toContain(
      '标题相近：《依托双师课堂的乡村英语绘本阅读实践探索》与《乡村英语绘本阅读双师课堂案例》（去除套话后字面相似度 0.91，关键词相似度 1.00）',
    );
    expect(twin.decision).toBeNull();

    await runContestScan(db, contestId, { userId: null });
    const after = await contestSuspects(db, contestId);
    expect(after.textRun?.version).toBe(1);
    expect(pairs(after.suspects)).toEqual(
      expect.arrayContaining([
        [twinA, twinB, '一稿多投'],
        [Math.min(original, copy), Math.max(original, copy), '一稿多投'],
      ]),
    );
    expect(after.suspects).toHaveLength(2);
    const copied = after.suspects.find((s) => s.a.id === Math.min(original, copy))!;
    expect(copied.reasons.find((r) => r.startsWith('文字重复：'))).toMatch(
      /^文字重复：案例介绍\.docx 的 \d+%、案例介绍\.docx 的 \d+% 与对方相同$/,
    );
  });

  it('keeps the detection it stored while nothing it read changed, and detects again once an entry changes', async () => {
    const contestId = await contestWith();
    const [twinA, twinB] = await Promise.all([TWIN_A, TWIN_B].map(idOf));
    expect(pairs((await contestSuspects(db, contestId)).suspects)).toEqual([[twinA, twinB, '一稿多投']]);
    const snapshot = () =>
      db
        .selectFrom('suspect_snapshots')
        .select(['input_key', 'suspects_json'])
        .where('contest_id', '=', contestId)
        .executeTakeFirstOrThrow();
    const stored = await snapshot();
    // a snapshot emptied behind its back is what pages read while the inputs stay as they were
    await db
      .updateTable('suspect_snapshots')
      .set({ suspects_json: storedSuspects.write({ suspects: [], textRun: null }) })
      .where('contest_id', '=', contestId)
      .execute();
    expect((await contestSuspects(db, contestId)).suspects).toEqual([]);
    expect((await snapshot()).input_key).toBe(stored.input_key);

    await db.updateTable('authors').set({ unit: '实验小学（本部）' }).where('entry_id', '=', twinB).execute();
    const fresh = await contestSuspects(db, contestId);
    expect(pairs(fresh.suspects)).toEqual([[twinA, twinB, '一稿多投']]);
    expect((await snapshot()).input_key).not.toBe(stored.input_key);
    await runContestScan(db, contestId, { userId: null });
    expect((await contestSuspects(db, contestId)).textRun?.version).toBe(1);
  });

  it('reads the threshold from the rule set', async () => {
    const contestId = await contestWith('suspects:\n  threshold: 0.5\n');
    const [a, b] = [await idOf(PHOTOS_A), await idOf(PHOTOS_B)];
    const { threshold, suspects } = await contestSuspects(db, contestId);
    expect(threshold).toBe(0.5);
    // two shared photos (0.51) pass 0.5 but not the default 0.7
    const photos = suspects.find((s) => s.a.id === Math.min(a, b) && s.b.id === Math.max(a, b));
    expect(photos?.reasons).toEqual(['相同图片：活动照片1.png（文件内容完全相同）', '相同图片：活动照片2.png（文件内容完全相同）']);
  });

  it('both disqualified: through the eligibility decision, with the reason, audited', async () => {
    const contestId = await contestWith();
    const [a, b] = [await idOf(TWIN_A), await idOf(TWIN_B)];
    await expect(decideSuspect(db, contestId, { entries: [b, a], decision: '均取消资格', reason: '  ', userId: null })).rejects.toThrow(
      '请填写处理理由',
    );
    await decideSuspect(db, contestId, { entries: [b, a], decision: '均取消资格', reason: '同一课题报送两个项目', userId: null });

    expect([await statusOf(TWIN_A), await statusOf(TWIN_B)]).toEqual(['disqualified', 'disqualified']);
    const eligibility = await db
      .selectFrom('eligibility_decisions')
      .select(['entry_id', 'status', 'reason'])
      .where('contest_id', '=', contestId)
      .orderBy('entry_id')
      .execute();
    expect(eligibility.map((d) => d.entry_id)).toEqual([a, b].sort((x, y) => x - y));
    expect(eligibility[0].reason).toMatch(/^一稿多投（.+、.+）：同一课题报送两个项目$/);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'reason'])
      .where('contest_id', '=', contestId)
      .where('action', 'in', ['eligibility.decide', 'suspects.decide'])
      .execute();
    expect(audit.map((r) => r.action).sort()).toEqual(['eligibility.decide', 'eligibility.decide', 'suspects.decide']);
    expect(audit.find((r) => r.action === 'suspects.decide')).toMatchObject({
      subject_id: `${Math.min(a, b)}-${Math.max(a, b)}`,
      reason: '同一课题报送两个项目',
    });

    // still listed, with the decision in force
    const [listed] = (await contestSuspects(db, contestId)).suspects;
    expect(listed.decision).toMatchObject({
      decision: '均取消资格',
      reason: '同一课题报送两个项目',
      kind: '一稿多投',
      withdrawnEntryId: null,
    });
    expect(listed.decision!.reasons).toEqual(listed.reasons);
  });

  it('one withdrawn: the entry leaves the contest and the pair the list; the decision stays on record', async () => {
    const contestId = await contestWith();
    const [a, b] = [await idOf(TWIN_A), await idOf(TWIN_B)];
    await expect(
      decideSuspect(db, contestId, { entries: [a, b], decision: '撤回其一', reason: '作者申请撤回', userId: null }),
    ).rejects.toThrow('请选择要撤回的作品');
    await decideSuspect(db, contestId, {
      entries: [a, b],
      decision: '撤回其一',
      withdraw: b,
      reason: '作者申请撤回校本研修项目的作品',
      userId: null,
    });

    expect([await statusOf(TWIN_A), await statusOf(TWIN_B)]).toEqual(['submitted', 'withdrawn']);
    expect((await contestSuspects(db, contestId)).suspects).toEqual([]);
    const [record] = await listSuspectDecisions(db, contestId);
    expect(record).toMatchObject({
      a: Math.min(a, b),
      b: Math.max(a, b),
      decision: '撤回其一',
      withdrawnEntryId: b,
      reason: '作者申请撤回校本研修项目的作品',
    });
    const withdrawal = await db
      .selectFrom('audit_log')
      .select(['old_value', 'new_value'])
      .where('action', '=', 'entry.withdraw')
      .where('subject_id', '=', String(b))
      .executeTakeFirstOrThrow();
    expect(withdrawal).toEqual({ old_value: 'submitted', new_value: 'withdrawn' });
  });

  it('not the same work: recorded only; pairs that are not suspects cannot be decided', async () => {
    const contestId = await contestWith();
    const [a, b, namesake] = [await idOf(TWIN_A), await idOf(TWIN_B), await idOf(NAMESAKE)];
    await decideSuspect(db, contestId, { entries: [a, b], decision: '不是同一作品', reason: '两个项目的课例不同', userId: null });
    expect([await statusOf(TWIN_A), await statusOf(TWIN_B)]).toEqual(['submitted', 'submitted']);
    expect((await contestSuspects(db, contestId)).suspects[0].decision?.decision).toBe('不是同一作品');
    await expect(
      decideSuspect(db, contestId, { entries: [a, namesake], decision: '不是同一作品', reason: '同名', userId: null }),
    ).rejects.toThrow('这两件作品目前不是一稿多投或相似主题嫌疑');
  });

  it('within one project limiting works per first author (职业教育专项), two works of one first author', async () => {
    const vocational = await fs.mkdtemp(path.join(tmp, 'vocational-'));
    const generator = new SuspectsContestGenerator(9);
    const teacher = '中职+市职业技术学校+张三/职业教育实践性教学案例';
    for (const [i, title] of ['数控车床编程实训教学', '数控车床编程实训教学的实践探索'].entries()) {
      const sections = generator.document(generator.topic(), { name: '张三', school: '市职业技术学校', stage: '中职' }, [16, 24]);
      await write(vocational, `${teacher}/${title}/案例介绍.docx`, await makeDocx({ title, sections }));
      await write(vocational, `${teacher}/${title}/教学录像.mp4`, makeMp4({ seconds: 60 + i, width: 1280, height: 720 }));
    }
    const rules = 'rules/2024-district-info-teaching-exchange.yaml';
    const contestId = await createContest(db, {
      rulesYaml: await fs.readFile(rules, 'utf8'),
      rulesSource: path.basename(rules),
      userId: null,
    });
    await importPath(db, contestId, vocational);
    const { suspects } = await contestSuspects(db, contestId);
    expect(suspects.map((s) => [s.kind, s.reasons.slice(0, 2)])).toEqual([
      [
        '相似主题',
        ['同一第一作者 张三 在“职业教育实践性教学案例”中的两件作品（该项目每位第一作者限报 1 件）', '共同作者：张三（市职业技术学校）'],
      ],
    ]);
  });
  it('reads documents of any length capped, and still finds the same long work entered in two projects', async () => {
    const long = await fs.mkdtemp(path.join(tmp, 'long-'));
    const generator = new SuspectsContestGenerator(11);
    const sections = generator.document(generator.topic(), { name: '孙八', school: '育英小学', stage: '小学' }, [16, 24]);
    // Far beyond the 20,000 characters the detector reads whole: the text is read as its beginning and end.
    const text = sections
      .flatMap((x) => x.paragraphs)
      .join('\n')
      .repeat(40);
    expect(text.length).toBeGreaterThan(100_000);
    for (const [project, title] of [
      [REGIONAL, '育英小学整本书阅读的区域推进'],
      [SCHOOL, '整本书阅读校本推进的育英做法'],
    ]) {
      await write(long, `小学+育英小学+孙八/${project}/${title}/案例介绍.txt`, Buffer.from(text));
    }
    const contestId = await createContest(db, {
      rulesYaml: await fs.readFile(RULES_FILE, 'utf8'),
      rulesSource: path.basename(RULES_FILE),
      userId: null,
    });
    await importPath(db, contestId, long);
    const { suspects } = await contestSuspects(db, contestId);
    expect(suspects.map((x) => x.kind)).toEqual(['相似主题']);
  });
});
