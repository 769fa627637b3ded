import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProseGenerator } from '../scripts/lib/prose.ts';
import { Random } from '../scripts/lib/random.ts';
import { makeMp4 } from './fixtures-media/mp4.ts';
import { makePdf } from './fixtures-media/pdf.ts';
import { cli, cliJson } from './helpers/cli.ts';
import { createTestPgDatabase } from './helpers/db.ts';
import { makeDocx } from './helpers/docx.ts';

/**
 * Nothing flagged wins a prize unseen. A contest by the CLI with an entry copied past 30%, a cross-project
 * 一稿多投 pair, an entry failing 形式审查 and an entry missing a review; the rest scored. None of the four
 * is in a band, each is a blocker of its kind, the denominator leaves them out; after the organizer's
 * decisions the bands and the denominator follow, and 公示 goes through without a reason only then.
 */

const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const SCHOOLS = ['东城区实验小学', '西城区育才小学', '南湖区第二中学', '北山县第三中学', '开发区星海学校', '城关小学', '城南中学'];
const TEACHERS = ['张伟', '李娜', '王芳', '刘洋', '陈静', '杨磊', '黄敏', '赵强', '周婷', '吴涛', '徐丽', '孙鹏', '马超'];
const HEADINGS = ['一、基本情况', '二、过程与举措', '三、经验与成效', '四、特色与创新'];

type Blocker = { code: string | null; kind: string; message: string };
type Awards = {
  groups: {
    categoryKey: string;
    valid: number;
    held: number;
    denominator: number;
    derivation: string;
    bands: { name: string; count: number; entries: { code: string }[] }[];
  }[];
  blockers: Blocker[];
};

const targets = [
  { name: 'sqlite', url: async (dir: string) => ({ url: path.join(dir, 'casejury.db'), drop: async () => {} }) },
  ...(process.env.CASEJURY_TEST_PG ? [{ name: 'postgres', url: async () => createTestPgDatabase() }] : []),
];

describe.each(targets)('gates between the stages on $name', ({ url }) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-flow-'));
    process.env.CASEJURY_DATA = dir;
    ({ url: db, drop } = await url(dir));
  });
  afterAll(async () => {
    delete process.env.CASEJURY_DATA;
    await drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps the flagged four out of the bands and the denominator until decided, and 公示 waits for them', async () => {
    const prose = new ProseGenerator(new Random(11));
    const text = () => HEADINGS.map((heading) => ({ heading, paragraphs: [prose.paragraph(6).join(''), prose.paragraph(6).join('')] }));
    const root = path.join(dir, '报送材料');
    const story = makeMp4({ seconds: 120, width: 1920, height: 1080, fps: 25, audioSampleRate: 48000 });
    const write = async (
      i: number,
      category: string,
      title: string,
      sections: ReturnType<typeof text>,
      opts: { story?: Buffer | null; teacher?: string } = {},
    ) => {
      const folder = path.join(root, `小学+${SCHOOLS[i % SCHOOLS.length]}+${opts.teacher ?? TEACHERS[i]}`, category, title);
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(path.join(folder, '案例介绍.docx'), await makeDocx({ title, sections }));
      await fs.writeFile(path.join(folder, '信息表.pdf'), makePdf([`案例名称：${title}`]));
      await fs.writeFile(path.join(folder, '支撑材料.pdf'), makePdf([`${title}：研修通知`]));
      if (opts.story !== null)
        await fs.writeFile(
          path.join(folder, '数字故事.mp4'),
          opts.story ?? makeMp4({ seconds: 100 + i, width: 1920, height: 1080, fps: 25, audioSampleRate: 48000 }),
        );
    };
    const texts = Array.from({ length: 12 }, text);
    const title = (i: number) => `平台赋能区域研修的实践探索（${i + 1}）`;
    for (let i = 0; i < 10; i++) await write(i, '区域研修应用案例', title(i), texts[i]);
    // 11: copies three of its four sections, one from each of entries 1, 2 and 3: its own rate is past 30%,
    // theirs (a quarter each) is not.
    const copied = texts[10].map((s, j) => (j < 3 ? texts[j][j] : s));
    await write(10, '区域研修应用案例', title(10), copied);
    // 12 and 13: one teacher's one work in two projects — same title, same 数字故事, the text rewritten.
    await write(11, '区域研修应用案例', '跨项目的同一个研修案例', texts[11], { story, teacher: '马超' });
    await write(12, '校本研修应用案例', '跨项目的同一个研修案例', text(), { story, teacher: '马超' });

    const contest = String((await cliJson<{ id: number }>('contest', 'create', '--rules', RULES, '--db', db)).id);
    expect((await cliJson<{ imported: number }>('import', contest, root, '--db', db)).imported).toBe(13);
    const checked = await cliJson<{ entries: { code: string; title: string }[] }>('check', contest, '--db', db);
    const code = (t: string) => checked.entries.find((e) => e.title === t)?.code ?? '';
    const X = code(title(10));
    // P in 区域研修 (kept), Q the same work in 校本研修 (the copy).
    const listed = await cliJson<{ code: string; title: string; category: { key: string } | null }[]>('entries', contest, '--db', db);
    const twin = (key: string) => listed.find((e) => e.title === '跨项目的同一个研修案例' && e.category?.key === key)?.code ?? '';
    const [P, Q] = [twin('regional-training'), twin('school-based-training')];
    const E = code(title(4));
    const M = code(title(6));
    // E loses its 数字故事 after the first check: 形式审查 now fails it.
    const eFolder = path.join(root, `小学+${SCHOOLS[4]}+${TEACHERS[4]}`, '区域研修应用案例', title(4));
    await fs.rm(path.join(eFolder, '数字故事.mp4'));
    await cliJson('import', contest, root, '--db', db);
    await cliJson('check', contest, '--db', db);
    expect((await cli('scan', '--contest', contest, '--db', db)).code).toBe(0);
    // 人工核查 confirmed for everything 形式审查 passed (the organizer's bulk decision); E stays open.
    const open = async () => (await cliJson<{ open: Blocker[] }>('status', contest, '--db', db)).open;
    const eligibility = (await open()).filter((b) => b.kind === 'eligibility').map((b) => b.code);
    expect(eligibility).toContain(E);
    for (const c of eligibility.filter((c) => c !== E))
      await cliJson('decide', contest, String(c), '--on', 'eligibility', '--keep', '--reason', '人工核查完毕', '--db', db);

    // Experts and reviews: every entry fully scored except M, which misses one review.
    const experts = new ExcelJS.Workbook();
    const sheet = experts.addWorksheet('专家');
    sheet.addRow(['姓名', '单位', '区县', '手机']);
    for (const [i, name] of ['郑专家', '钱专家', '孙专家'].entries()) sheet.addRow([name, `市教研室${i}`, '市直', `1390000010${i}`]);
    await experts.xlsx.writeFile(path.join(dir, '专家.xlsx'));
    await cliJson('experts', 'import', contest, path.join(dir, '专家.xlsx'), '--db', db);
    await cliJson('assign', contest, '--db', db);
    await cli('scores', 'sheet', contest, '--out', path.join(dir, '评分表.xlsx'), '--db', db);
    const scores = new ExcelJS.Workbook();
    await scores.xlsx.readFile(path.join(dir, '评分表.xlsx'));
    // One sheet per category: 编号, 作品名称, 专家, the criteria, 评语.
    const sheets = scores.worksheets.map((ws) => {
      const header = (ws.getRow(1).values as string[]).slice(1);
      return { ws, header, maxima: header.slice(3, -1).map((h) => Number(/（(\d+(?:\.\d+)?)分）/.exec(h)?.[1])) };
    });
    let skipped = false;
    const rank = new Map(checked.entries.map((e, i) => [e.code, i]));
    for (const { ws, header, maxima } of sheets)
      ws.eachRow((row, n) => {
        if (n === 1) return;
        const entry = String(row.getCell(1).value);
        if (entry === M && !skipped) {
          skipped = true; // one of M's three reviews is never filled in
          return;
        }
        const r = rank.get(entry) ?? 0;
        maxima.forEach((max, c) => {
          row.getCell(4 + c).value = Math.round(max * (0.95 - r * 0.05));
        });
        row.getCell(header.length).value = '举措具体';
      });
    expect(skipped).toBe(true);
    await scores.xlsx.writeFile(path.join(dir, '评分表-已填.xlsx'));
    await cliJson('scores', 'import', contest, path.join(dir, '评分表-已填.xlsx'), '--db', db);

    // Before any decision: the four (and the pair's other entry) are blockers of their kinds, in no band.
    const before = await cliJson<Awards>('awards', contest, '--db', db);
    const kinds = (c: string) => before.blockers.filter((b) => b.code === c).map((b) => b.kind);
    expect(kinds(X)).toContain('similarity');
    expect(kinds(P)).toContain('suspect');
    expect(kinds(Q)).toContain('suspect');
    expect(kinds(E)).toEqual(['eligibility']);
    expect(kinds(M)).toEqual(['review']);
    const banded = (a: Awards) => a.groups.flatMap((g) => g.bands.flatMap((b) => b.entries.map((e) => e.code)));
    for (const c of [X, P, Q, E, M]) expect(banded(before)).not.toContain(c);
    const regional = (a: Awards) => a.groups.find((g) => g.categoryKey === 'regional-training');
    // 12 regional entries; X, P, E, M held: 8 counted. Caps ⌊0.8⌋ = 0, ⌊2.4⌋ = 2, ⌊4.8⌋ = 4.
    expect([regional(before)?.valid, regional(before)?.held, regional(before)?.denominator]).toEqual([8, 4, 8]);
    expect(regional(before)?.derivation).toContain(`待处理 4 件`);
    for (const c of [X, P, E, M]) expect(regional(before)?.derivation).toContain(c);
    expect((await cli('publish', contest, '--db', db)).code).not.toBe(0);

    // The organizer's decisions: X kept with a reason, the pair's copy (Q) disqualified, E's failure confirmed.
    await cliJson('decide', contest, X, '--on', 'similarity', '--keep', '--reason', '重复部分为引用的区级研修方案原文', '--db', db);
    await cliJson('decide', contest, Q, '--on', 'suspect', '--disqualify', '--reason', '同一作品重复报送两个项目', '--db', db);
    await cliJson('decide', contest, E, '--on', 'eligibility', '--disqualify', '--reason', '未报送数字故事', '--db', db);
    const after = await cliJson<Awards>('awards', contest, '--db', db);
    expect(after.blockers.map((b) => [b.code, b.kind])).toEqual([[M, 'review']]);
    // X and P are counted now; E is disqualified; M still waits for its review: 10 counted, caps 1 / 2 / 3.
    expect([regional(after)?.valid, regional(after)?.held, regional(after)?.denominator]).toEqual([10, 1, 10]);
    expect(regional(after)?.bands.map((b) => b.count)).toEqual([1, 2, 3]);
    expect(regional(after)?.derivation).toContain(`取消资格 1 件：${E}`);
    expect((await cli('publish', contest, '--db', db)).code).not.toBe(0);

    // M's last review arrives: nothing is open any more, and 公示 needs no reason.
    let filled = false;
    for (const { ws, header, maxima } of sheets)
      ws.eachRow((row, n) => {
        if (n === 1 || filled || String(row.getCell(1).value) !== M || row.getCell(4).value !== null) return;
        filled = true;
        maxima.forEach((max, c) => {
          row.getCell(4 + c).value = Math.round(max * (0.95 - (rank.get(M) ?? 0) * 0.05));
        });
        row.getCell(header.length).value = '补评';
      });
    expect(filled).toBe(true);
    await scores.xlsx.writeFile(path.join(dir, '评分表-补评.xlsx'));
    await cli('scores', 'import', contest, path.join(dir, '评分表-补评.xlsx'), '--db', db);
    const complete = await cliJson<Awards>('awards', contest, '--db', db);
    expect(complete.blockers).toEqual([]);
    expect([regional(complete)?.valid, regional(complete)?.held]).toEqual([11, 0]);
    expect((await cli('publish', contest, '--db', db)).code).toBe(0);
  });
});
