/**
 * `npm run demo`: a demo contest with about 60 generated entries, imported through the unit's 推荐汇总表 (with each
 * entry's 区县) beside their folders: real .docx case documents that read like the cases teachers send (see
 * scripts/lib/caseWriter.ts), some near-duplicates, a cross-project twin and a few bad files; experts with names,
 * units and e-mail, panels with a judging deadline, assignments and reviews, so a newcomer sees every screen populated.
 * Usage: npm run demo [-- --db FILE] [--entries N]
 */
import fs from 'node:fs/promises';
import ExcelJS from 'exceljs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dataDir } from '../src/config.ts';
import { type Db, openMigratedDb, resolveDbUrl } from '../src/db/connect.ts';
import { contestCategories, contestRuleSet, createContest } from '../src/contests/index.ts';
import { importPath } from '../src/ingest/import.ts';
import { addMember } from '../src/contests/members.ts';
import { createUser, ensureFirstAdmin, findUserByUsername, newAdminLines } from '../src/users/accounts.ts';
import { runAutoAssign } from '../src/judging/store/assignments.ts';
import { openReview, saveReview } from '../src/judging/store/reviews.ts';
import { runContestScan } from '../src/similarity/store/scan.ts';
import { decideOnEntry } from '../src/similarity/store/decisions.ts';
import { decide } from '../src/eligibility/store/decisions.ts';
import { runChecks } from '../src/eligibility/store/run.ts';
import { setDeadline } from '../src/deadlines/store/deadlines.ts';
import { JUDGING_STAGE } from '../src/deadlines/deadlines.ts';
import { parseShanghaiLocal, shanghaiLocalInput } from '../src/util/time.ts';
import { makeDocx } from '../test/helpers/docx.ts';
import { makeMp4 } from '../test/fixtures-media/mp4.ts';
import { makePdf } from '../test/fixtures-media/pdf.ts';
import { type CaseSubject, CaseWriter } from './lib/caseWriter.ts';
import { Random } from './lib/random.ts';

const RULES_FILE = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
export const DEMO_CONTEST_NAME = '演示：2024年智慧教育平台应用典型案例评选';
export const DEMO_PASSWORD = 'demo-pass-2024';

const SCHOOLS = [
  ['鼓楼区', '鼓楼区实验小学'],
  ['鼓楼区', '福州第十九中学'],
  ['台江区', '台江区第三中心小学'],
  ['台江区', '福州第十六中学'],
  ['仓山区', '仓山区第二实验小学'],
  ['仓山区', '仓山区城门中学'],
  ['闽侯县', '闽侯县实验幼儿园'],
  ['闽侯县', '闽侯县第二中学'],
  ['长乐区', '长乐区海峡路小学'],
  ['长乐区', '长乐第一中学'],
] as const;
/** The demo's experts: name, unit, e-mail (two have none: they are reminded by SMS or WeChat). */
const EXPERTS = [
  ['张建国', SCHOOLS[0][1], 'zhangjg@example.edu.cn'],
  ['李秀英', '福州教育研究院', 'lixy@example.edu.cn'],
  ['王立新', '福建教育学院', 'wanglx@example.edu.cn'],
  ['赵敏', '鼓楼区教师进修学校', 'zhaomin@example.edu.cn'],
  ['陈志强', '仓山区教师进修学校', 'chenzq@example.edu.cn'],
  ['刘芳', '福建师范大学附属中学', 'liufang@example.edu.cn'],
  ['杨帆', '台江区教师发展中心', null],
  ['黄晓东', '长乐区教师进修学校', null],
] as const;
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = ['静', '敏', '伟', '芳', '磊', '婷', '强', '洁', '军', '丽', '涛', '燕', '鹏', '霞', '超', '娟'];
const CATEGORY_FOLDERS = ['区域研修应用案例', '校本研修应用案例', '线上工作室建设与应用案例', '创新场景应用案例'];
const TITLE_PREFIXES = ['依托国家中小学智慧教育平台', '基于智慧教育平台', '“双减”背景下', '数字化转型视域下', '平台赋能'];
const TITLE_TOPICS = [
  '区域教师混合式研修',
  '校本研修共同体建设',
  '名师工作室协同教研',
  '乡村学校同步课堂',
  '大单元教学设计',
  '分层作业设计',
  '跨学科主题学习',
  '家校协同育人',
  '精准教学与学情分析',
  '青年教师专业成长',
  '课后服务资源建设',
  '教研组集体备课',
];
const TITLE_SUFFIXES = ['的实践探索', '的创新实践', '的路径与成效', '的实施案例'];

/** Distinct, plausible titles such as 基于智慧教育平台的校本研修共同体建设的实践探索. */
function demoTitle(i: number): string {
  const prefix = TITLE_PREFIXES[i % TITLE_PREFIXES.length];
  const topic = TITLE_TOPICS[Math.floor(i / TITLE_PREFIXES.length) % TITLE_TOPICS.length];
  const suffix = TITLE_SUFFIXES[Math.floor(i / (TITLE_PREFIXES.length * TITLE_TOPICS.length)) % TITLE_SUFFIXES.length];
  return `${prefix}${prefix.endsWith('平台') ? '的' : ''}${topic}${suffix}`;
}

interface PlannedEntry {
  folder: string;
  title: string;
  county: string;
  school: string;
  stage: string;
  teacher: string;
  category: string;
  sections: { heading: string; paragraphs: string[] }[];
}

/** The kind of case each category folder holds, for the writer's sentences. */
const KINDS: Record<(typeof CATEGORY_FOLDERS)[number], CaseSubject['kind']> = {
  区域研修应用案例: 'regional',
  校本研修应用案例: 'school',
  线上工作室建设与应用案例: 'studio',
  创新场景应用案例: 'scenario',
};

function planEntries(count: number, random: Random): PlannedEntry[] {
  const writer = new CaseWriter(random);
  const entries: PlannedEntry[] = [];
  for (let i = 0; i < count; i++) {
    const [county, school] = SCHOOLS[i % SCHOOLS.length];
    const stage = school.includes('幼儿园') ? '幼儿园' : /中学$/.test(school) ? random.pick(['初中', '高中']) : '小学';
    const teacher = random.pick([...SURNAMES]) + random.pick(GIVEN) + (random.chance(0.5) ? random.pick(GIVEN) : '');
    const category = CATEGORY_FOLDERS[i % CATEGORY_FOLDERS.length];
    const title = demoTitle(i);
    const sections = writer.sections({ county, school, stage, title, kind: KINDS[category] });
    entries.push({
      folder: `${stage}+${school}+${teacher}/${category}/${title}`,
      title,
      county,
      school,
      stage,
      teacher,
      category,
      sections,
    });
  }
  // Near-duplicates: three entries copy most of another's text, one lightly edited (its commas changed).
  for (const [copier, source, share] of [
    [5, 1, 0.8],
    [17, 9, 0.45],
    [29, 22, 0.35],
  ] as const) {
    // The first `share` of the source's paragraphs, in order, replace the copier's own at the same places.
    const original = entries[source].sections.flatMap((s) => s.paragraphs);
    const copied = original.slice(0, Math.round(original.length * share)).map((p) => p.replace(/，/g, ','));
    let at = 0;
    entries[copier].sections = entries[copier].sections.map((s) => ({
      heading: s.heading,
      paragraphs: s.paragraphs.map((p) => copied[at++] ?? p),
    }));
  }
  // A cross-project twin: the same work entered in another category (一稿多投).
  const twin = entries[3];
  const [teacherFolder] = twin.folder.split('/');
  const category = CATEGORY_FOLDERS[0];
  entries.push({ ...twin, folder: `${teacherFolder}/${category}/${twin.title}`, category });
  return entries;
}

/**
 * The 推荐汇总表 a unit sends with its entries' folders, as the notices ask: a title row, then one row per entry
 * with its 区县 (which the folder names do not carry, and the 获奖名单 lists) and the folder of its files.
 */
async function writeSummarySheet(file: string, entries: PlannedEntry[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('汇总表');
  const header = ['序号', '作品名称', '参赛项目', '学段', '作者', '单位', '区县', '联系电话', '文件夹'];
  sheet.addRow([`${DEMO_CONTEST_NAME}推荐汇总表`]);
  sheet.mergeCells(1, 1, 1, header.length);
  sheet.addRow(header);
  for (const [i, e] of entries.entries()) {
    const phone = `1380591${String(1000 + i).padStart(4, '0')}`;
    sheet.addRow([i + 1, e.title, e.category, e.stage, e.teacher, e.school, e.county, phone, e.folder]);
  }
  await workbook.xlsx.writeFile(file);
}

async function writeSubmissions(root: string, entries: PlannedEntry[]): Promise<void> {
  await fs.rm(root, { recursive: true, force: true });
  for (const e of entries) {
    const dir = path.join(root, ...e.folder.split('/'));
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, '案例介绍.docx'), await makeDocx({ title: e.title, sections: e.sections }));
    await fs.writeFile(path.join(dir, '信息表.pdf'), makePdf([`案例名称：${e.title}`, '典型案例信息表']));
    await fs.writeFile(
      path.join(dir, '数字故事.mp4'),
      makeMp4({ seconds: 300, width: 1920, height: 1080, fps: 25, audioSampleRate: 48000 }),
    );
  }
  // Bad files a real batch contains: a corrupt document, an empty one and a Word lock file.
  const [first, second] = entries.map((e) => path.join(root, ...e.folder.split('/')));
  await fs.writeFile(path.join(first, '总结报告.docx'), Buffer.from('PK\u0003\u0004 这不是完整的 Word 文件'));
  await fs.writeFile(path.join(second, '信息表.pdf'), Buffer.alloc(0));
  await fs.writeFile(path.join(second, '~$案例介绍.docx'), Buffer.from('lock'));
}

export interface DemoSummary {
  contestId: number;
  created: boolean;
  imported: number;
  importProblems: number;
  assignments: number;
  submitted: number;
  /** Entries over the similarity threshold after the demo's scan. */
  flagged: number;
}

/** Creates the demo contest (or another of the same making under `name`) unless it exists; submissions are written under `root`. */
export async function createDemoContest(db: Db, root: string, entryCount = 60, name = DEMO_CONTEST_NAME): Promise<DemoSummary> {
  const existing = await db.selectFrom('contests').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) return { contestId: existing.id, created: false, imported: 0, importProblems: 0, assignments: 0, submitted: 0, flagged: 0 };
  const random = new Random(20241122);
  const planned = planEntries(entryCount, random);
  await writeSubmissions(root, planned);
  const summarySheet = path.join(root, '推荐汇总表.xlsx');
  await writeSummarySheet(summarySheet, planned);

  const contestId = await createContest(db, {
    name,
    rulesYaml: await fs.readFile(RULES_FILE, 'utf8'),
    rulesSource: path.basename(RULES_FILE),
    userId: null,
  });
  const summary = await importPath(db, contestId, summarySheet, {});

  const organizer =
    (await findUserByUsername(db, 'demo-organizer'))?.id ??
    (await createUser(
      db,
      { username: 'demo-organizer', displayName: '演示组织者', role: 'organizer', password: DEMO_PASSWORD, mustChangePassword: false },
      null,
    ));
  await addMember(db, contestId, 'demo-organizer', 'organizer', null);
  const experts: number[] = [];
  for (const [i, [displayName, unit, email]] of EXPERTS.entries()) {
    const username = `demo-expert${i + 1}`;
    const id =
      (await findUserByUsername(db, username))?.id ??
      (await createUser(
        db,
        { username, displayName, role: 'expert', password: DEMO_PASSWORD, unit, email, mustChangePassword: false },
        null,
      ));
    experts.push(id);
  }

  // Two panels cover the four categories; expert 1 shares a school with some authors (回避).
  const categories = await contestCategories(db, contestId);
  for (const [ci, category] of categories.entries()) {
    const { id: panelId } = await db
      .insertInto('panels')
      .values({ contest_id: contestId, name: `${category.name}评审组`, category_id: category.id, group_name: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const members = ci % 2 === 0 ? experts.slice(0, 4) : experts.slice(4);
    await db
      .insertInto('panel_members')
      .values(members.map((user_id) => ({ panel_id: panelId, user_id })))
      .execute();
  }
  // Judging closes at 18:00 ten days from now; the first panel was given three days less.
  const closing = (days: number) =>
    parseShanghaiLocal(`${shanghaiLocalInput(new Date(Date.now() + days * 86_400_000).toISOString()).slice(0, 10)} 18:00`);
  const panels = await db.selectFrom('panels').select('id').where('contest_id', '=', contestId).orderBy('id').execute();
  await setDeadline(db, { contestId, stage: JUDGING_STAGE, panelId: null, closesAt: closing(10), userId: organizer });
  await setDeadline(db, { contestId, stage: JUDGING_STAGE, panelId: panels[0].id, closesAt: closing(7), userId: organizer });
  const rules = await contestRuleSet(db, contestId);
  const assigned = await runAutoAssign(db, contestId, {
    perEntry: rules.judging.reviewersPerEntry,
    avoidSameCounty: false,
    userId: organizer,
  });

  // Most reviews submitted, a few left as drafts or not started, so progress and blockers have something to show.
  const assignments = await db
    .selectFrom('assignments')
    .innerJoin('entries', 'entries.id', 'assignments.entry_id')
    .select(['assignments.id', 'assignments.expert_id', 'assignments.entry_id', 'entries.category_id'])
    .where('assignments.contest_id', '=', contestId)
    .where('assignments.status', '=', 'active')
    .orderBy('assignments.id')
    .execute();
  let submitted = 0;
  for (const a of assignments) {
    const roll = random.next();
    if (roll > 0.97) continue;
    const category = categories.find((c) => c.id === a.category_id);
    const criteria = rules.categories.find((c) => c.key === category?.key)?.rubric.criteria;
    if (!criteria) throw new Error(`Demo entry ${a.entry_id} has no category with a rubric`);
    // Each entry has a quality the experts roughly agree on, so only a few reviews disagree enough to be flagged.
    const quality = 0.6 + ((a.entry_id * 7919) % 31) / 100 + (random.next() - 0.5) * 0.08;
    const raw = Object.fromEntries(
      criteria.map((c) => [c.key, String(Math.round(c.max * Math.min(1, quality + (random.next() - 0.5) * 0.15)))]),
    );
    const review = await openReview(db, a.id, a.expert_id);
    if (!review) throw new Error(`Demo assignment ${a.id} is not its expert's active assignment`);
    const outcome = await saveReview(
      db,
      {
        assignmentId: a.id,
        expertId: a.expert_id,
        criteria,
        raw,
        comment: roll > 0.94 ? '' : '案例结构完整，举措具体，成效有数据支撑。',
        baseVersion: review.version,
      },
      roll <= 0.94,
    );
    if (outcome?.review.status === 'submitted') submitted++;
  }

  const scan = await runContestScan(db, contestId, { userId: organizer });

  // 形式审查 as an organizer would run it: the checks, then 通过 for every entry that passed or only needs a
  // look (the 人工核查 done); the entry with the broken files stays open. One 查重 decision is recorded (the
  // 35% copy kept, with its reason); the 80% and 45% copies and the cross-project twin stay undecided, so
  // the 评奖 page shows them as blockers and gives them no prize.
  await runChecks(db, contestId, { userId: organizer });
  const checked = await db
    .selectFrom('eligibility_results')
    .select(['entry_id', 'verdict'])
    .where('contest_id', '=', contestId)
    .where('verdict', '!=', 'fail')
    .execute();
  await decide(
    db,
    contestId,
    checked.map((r) => r.entry_id),
    '通过',
    '演示：材料齐全，人工核查（政治性、科学性、原创性）完毕',
    organizer,
  );
  const kept = await db
    .selectFrom('entries')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('title', '=', planned[29].title)
    .executeTakeFirstOrThrow();
  await decideOnEntry(db, contestId, kept.id, '保留', '演示：重复部分为引用的政策文件原文，已注明出处', organizer);
  return {
    contestId,
    created: true,
    imported: summary.imported,
    importProblems: summary.errorCount,
    assignments: assigned.assignments.length,
    submitted,
    flagged: scan.flagged,
  };
}

async function main() {
  const { values } = parseArgs({ options: { db: { type: 'string' }, entries: { type: 'string' } } });
  const db = await openMigratedDb(resolveDbUrl(values.db));
  try {
    // Before the demo's own accounts: on an empty database the administrator comes first, as with npm start.
    const admin = await ensureFirstAdmin(db);
    if (admin) for (const line of [...newAdminLines(admin), '']) console.log(line);
    const demo = await createDemoContest(db, path.join(dataDir(), 'demo', 'submissions'), Number(values.entries ?? 60));
    if (!demo.created) {
      console.log(`演示竞赛已存在（编号 ${demo.contestId}），未重复创建。`);
      return;
    }
    console.log(`导入：新增 ${demo.imported} 件作品，问题 ${demo.importProblems} 条（演示用的损坏文件）`);
    console.log(`评审：分配 ${demo.assignments} 条，已提交 ${demo.submitted} 份`);
    console.log(`查重：重复率达到阈值的作品 ${demo.flagged} 件`);
    console.log(`演示竞赛已创建：编号 ${demo.contestId}，“${DEMO_CONTEST_NAME}”`);
    console.log(`演示账号（密码均为 ${DEMO_PASSWORD}）：组织者 demo-organizer；专家 demo-expert1 … demo-expert${EXPERTS.length}`);
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) await main();
