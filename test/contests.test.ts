import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nowIso, openMigratedDb, type Db } from '../src/db/connect.ts';
import {
  contestCategories,
  contestRuleSet,
  createContest,
  getContest,
  listContests,
  listRuleVersions,
  updateContestRules,
} from '../src/contests/index.ts';
import { RuleSetInvalidError } from '../src/rules/load.ts';
import { runCli } from '../src/cli/main.ts';

const RULES_FILE = 'rules/2025-district-digital-literacy.yaml';
const rulesYaml = fs.readFileSync(RULES_FILE, 'utf8');

const TWO_CATEGORIES = `version: 1
contest:
  name: 小型竞赛
  notice: { seed: 000_test }
blind: false
awards:
  bands: [{ name: 一等奖, ratio: 0.1 }]
categories:
  - key: alpha
    name: 甲类
    materials: [{ kind: 案例介绍 }]
    rubric: { criteria: [{ key: total, name: 总分, max: 100 }] }
  - key: beta
    name: 乙类
    materials: [{ kind: 案例介绍 }]
    rubric: { criteria: [{ key: total, name: 总分, max: 100 }] }
`;

let db: Db;
beforeEach(async () => {
  db = await openMigratedDb(':memory:');
});
afterEach(async () => {
  await db.destroy();
});

const auditRows = (contestId: number) => db.selectFrom('audit_log').selectAll().where('contest_id', '=', contestId).orderBy('id').execute();

async function addEntry(contestId: number, categoryKey: string) {
  const category = (await contestCategories(db, contestId)).find((c) => c.key === categoryKey)!;
  await db
    .insertInto('entries')
    .values({
      contest_id: contestId,
      category_id: category.id,
      code: `E-${categoryKey}`,
      title: '作品',
      group_name: null,
      status: 'submitted',
      source_path: null,
      category_label: null,
      batch_id: null,
      created_at: nowIso(),
      updated_at: nowIso(),
    })
    .execute();
}

describe('createContest', () => {
  it('stores the contest, its own copy of the rules, its categories in order and an audit row', async () => {
    const id = await createContest(db, { rulesYaml, rulesSource: path.basename(RULES_FILE), userId: null });
    const contest = (await getContest(db, id))!;
    expect(contest).toMatchObject({
      name: '2025年教师数字素养提升实践活动（区级评选）',
      rules_yaml: rulesYaml,
      rules_source: '2025-district-digital-literacy.yaml',
      blind: 1,
    });

    const categories = await contestCategories(db, id);
    const ruleSet = await contestRuleSet(db, id);
    expect(categories.map((c) => [c.key, c.name, c.sort_order])).toEqual(ruleSet.categories.map((c, i) => [c.key, c.name, i]));
    expect(categories).toHaveLength(9);

    const [row, ...more] = await auditRows(id);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ action: 'contest.create', subject_type: 'contest', subject_id: String(id), user_id: null });
    expect(JSON.parse(row.new_value!).categories).toEqual(categories.map((c) => c.key));
  });

  it('takes the given name and the blind flag from the rules', async () => {
    const id = await createContest(db, { name: '  区级初评  ', rulesYaml: TWO_CATEGORIES, rulesSource: 'small.yaml', userId: null });
    expect(await getContest(db, id)).toMatchObject({ name: '区级初评', blind: 0 });
  });

  it('refuses an invalid rule set and stores nothing', async () => {
    const broken = TWO_CATEGORIES.replace('ratio: 0.1', 'ratio: 1.5');
    await expect(createContest(db, { rulesYaml: broken, rulesSource: 'small.yaml', userId: null })).rejects.toThrow(RuleSetInvalidError);
    await expect(createContest(db, { rulesYaml: broken, rulesSource: 'small.yaml', userId: null })).rejects.toThrow(
      /small\.yaml 第7行 awards\.bands\[0\]\.ratio/,
    );
    expect(await listContests(db)).toEqual([]);
    expect(await db.selectFrom('audit_log').selectAll().execute()).toEqual([]);
  });
});

describe('listContests', () => {
  it('counts categories and entries per contest', async () => {
    const a = await createContest(db, { rulesYaml: TWO_CATEGORIES, rulesSource: 'small.yaml', userId: null });
    const b = await createContest(db, { rulesYaml, rulesSource: 'district.yaml', userId: null });
    await addEntry(a, 'beta');
    const list = await listContests(db);
    expect(list.map((c) => [c.id, c.categories, c.entries])).toEqual([
      [a, 2, 1],
      [b, 9, 0],
    ]);
  });
});

describe('updateContestRules', () => {
  it('renames, reorders, adds and drops unused categories by key, keeping category ids', async () => {
    const id = await createContest(db, { rulesYaml: TWO_CATEGORIES, rulesSource: 'small.yaml', userId: null });
    const before = await contestCategories(db, id);
    await addEntry(id, 'beta');
    const next = TWO_CATEGORIES.replace(/ {2}- key: alpha[\s\S]*?(?= {2}- key: beta)/, '') // drop alpha
      .replace('name: 乙类', 'name: 乙类（改名）')
      .concat(`  - key: gamma
    name: 丙类
    materials: [{ kind: 案例介绍 }]
    rubric: { criteria: [{ key: total, name: 总分, max: 100 }] }
`);
    expect(await updateContestRules(db, id, next, null, '增设丙类、甲类并入乙类')).toBe(2);

    const after = await contestCategories(db, id);
    expect(after.map((c) => [c.key, c.name, c.sort_order])).toEqual([
      ['beta', '乙类（改名）', 0],
      ['gamma', '丙类', 1],
    ]);
    expect(after[0].id).toBe(before.find((c) => c.key === 'beta')!.id);
    expect((await getContest(db, id))!.rules_yaml).toBe(next);
    expect((await contestRuleSet(db, id)).categories.map((c) => c.key)).toEqual(['beta', 'gamma']);
    const rows = await auditRows(id);
    expect(rows.map((r) => r.action)).toEqual(['contest.create', 'contest.rules.update']);
    expect(rows[1]).toMatchObject({ old_value: TWO_CATEGORIES, reason: '增设丙类、甲类并入乙类' });
    expect(JSON.parse(rows[1].new_value ?? '')).toEqual({ version: 2, yaml: next });
    // Both versions are kept, the first as the contest was created.
    expect((await listRuleVersions(db, id)).map((v) => [v.version, v.yaml, v.reason])).toEqual([
      [1, TWO_CATEGORIES, null],
      [2, next, '增设丙类、甲类并入乙类'],
    ]);
    await expect(updateContestRules(db, id, next, null, '再存一次')).rejects.toThrow('规则没有改动');
    await expect(updateContestRules(db, id, TWO_CATEGORIES, null, ' ')).rejects.toThrow('请填写修改理由');
  });

  it('rejects invalid YAML without changing anything', async () => {
    const id = await createContest(db, { rulesYaml: TWO_CATEGORIES, rulesSource: 'small.yaml', userId: null });
    const categories = await contestCategories(db, id);
    for (const broken of [
      TWO_CATEGORIES.replace('max: 100 }] }\n  - key: beta', 'max: 一百 }] }\n  - key: beta'),
      'version: 1\ncontest: [',
      '',
    ]) {
      await expect(updateContestRules(db, id, broken, null, '试改')).rejects.toThrow(RuleSetInvalidError);
    }
    expect((await getContest(db, id))!.rules_yaml).toBe(TWO_CATEGORIES);
    expect(await contestCategories(db, id)).toEqual(categories);
    expect((await auditRows(id)).map((r) => r.action)).toEqual(['contest.create']);
  });

  it('refuses to drop a category that entries use, and changes nothing', async () => {
    const id = await createContest(db, { rulesYaml: TWO_CATEGORIES, rulesSource: 'small.yaml', userId: null });
    await addEntry(id, 'alpha');
    const categories = await contestCategories(db, id);
    const withoutAlpha = TWO_CATEGORIES.replace(/ {2}- key: alpha[\s\S]*?(?= {2}- key: beta)/, '').replace('name: 乙类', 'name: 乙类二');
    await expect(updateContestRules(db, id, withoutAlpha, null, '删去甲类')).rejects.toThrow('“甲类”（alpha，1 件作品）');
    expect(await contestCategories(db, id)).toEqual(categories);
    expect((await getContest(db, id))!.rules_yaml).toBe(TWO_CATEGORIES);
    expect((await auditRows(id)).map((r) => r.action)).toEqual(['contest.create']);
  });

  it('names a contest that does not exist', async () => {
    await expect(updateContestRules(db, 99, TWO_CATEGORIES, null, '改')).rejects.toThrow('找不到编号为 99 的竞赛');
    await expect(contestRuleSet(db, 99)).rejects.toThrow('找不到编号为 99 的竞赛');
  });
});

describe('CLI', () => {
  let dir: string;
  let out: string;
  let err: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-contests-'));
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    vi.spyOn(console, 'error').mockImplementation((...args) => {
      err += `${args.join(' ')}\n`;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rules check passes every file in rules/', async () => {
    expect(await runCli(['rules', 'check'])).toBe(0);
    expect(out.match(/^✓ /gm)).toHaveLength(5);
  });

  it('rules check names the file, line and field of each error and exits 1', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, TWO_CATEGORIES.replace('ratio: 0.1', 'ratio: 高'));
    expect(await runCli(['rules', 'check', RULES_FILE, bad])).toBe(1);
    expect(out).toContain(`✓ ${RULES_FILE}`);
    expect(out).toContain(`✗ ${bad}（1 处错误）`);
    expect(out).toContain(`${bad} 第7行 awards.bands[0].ratio：`);

    out = '';
    expect(await runCli(['rules', 'check', bad, '--json'])).toBe(1);
    expect(JSON.parse(out)).toMatchObject([{ file: bad, ok: false, errors: [{ line: 7, field: 'awards.bands[0].ratio' }] }]);
  });

  it('contest create and contest list work on the database given with --db', async () => {
    const dbFile = path.join(dir, 'cli.db');
    expect(await runCli(['contest', 'create', '--rules', RULES_FILE, '--db', dbFile])).toBe(0);
    expect(out.trim()).toBe('1');

    out = '';
    expect(await runCli(['contest', 'create', '--rules', RULES_FILE, '--name', '复评', '--db', dbFile, '--json'])).toBe(0);
    const created = JSON.parse(out);
    expect(created).toMatchObject({ id: 2, name: '复评' });
    expect(created.categories).toHaveLength(9);
    expect(created.categories[0]).toEqual({ key: 'learning-resources', name: '精品学习资源' });

    out = '';
    expect(await runCli(['contest', 'list', '--db', dbFile, '--json'])).toBe(0);
    expect(JSON.parse(out).map((c: { id: number; name: string; categories: number }) => [c.id, c.name, c.categories])).toEqual([
      [1, '2025年教师数字素养提升实践活动（区级评选）', 9],
      [2, '复评', 9],
    ]);
  });

  it('contest create reports an invalid rule set and a missing option', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, TWO_CATEGORIES.replace('name: 乙类', 'name: [乙类'));
    const dbFile = path.join(dir, 'cli.db');
    expect(await runCli(['contest', 'create', '--rules', bad, '--db', dbFile])).toBe(1);
    expect(err).toMatch(/bad\.yaml 第\d+行：YAML 语法错误/);
    expect(await runCli(['contest', 'create', '--db', dbFile])).toBe(2);
    expect(err).toContain('缺少 --rules FILE');
    out = '';
    expect(await runCli(['contest', 'list', '--db', dbFile, '--json'])).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
  });
});
