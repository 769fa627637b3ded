import fs from 'node:fs/promises';
import path from 'node:path';
import { type Command, UsageError } from '../command.ts';
import { contestId, withDb } from '../db.ts';
import { contestRuleSet, getContest } from '../../contests/index.ts';
import { parseExpertRows } from '../../judging/experts.ts';
import { importExperts } from '../../judging/store/experts.ts';
import { runAutoAssign } from '../../judging/store/assignments.ts';
import { contestScoreSheet, importScoreSheet } from '../../judging/store/offline.ts';
import { judgingProgress, owedWorkbook } from '../../judging/store/progress.ts';
import { DEFAULT_REMINDER_SENDER } from '../../judging/reminders.ts';
import { gridOf, loadWorkbook } from '../../spreadsheet/workbook.ts';

const optionalNumber = (value: unknown, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} 应为正整数：${String(value)}`);
  return n;
};

export const expertsImportCommand: Command = {
  name: ['experts', 'import'],
  summary: {
    zh: '从 .xlsx/.csv 导入评审专家（姓名、单位、区县、手机或邮箱），生成一次性密码',
    en: 'Import experts from .xlsx/.csv; prints one-time passwords',
  },
  usage: 'CONTEST FILE [--json]',
  async run(ctx) {
    const [contest, file] = ctx.positionals;
    if (!file) throw new UsageError('需要竞赛编号和专家名单文件');
    const id = contestId(contest);
    const workbook = await loadWorkbook(await fs.readFile(file), path.basename(file));
    const parsed = parseExpertRows(gridOf(workbook.worksheets[0]), path.basename(file));
    return withDb(ctx.values.db, async (db) => {
      const { created, problems } = await importExperts(db, id, parsed.rows, null);
      const all = [...parsed.problems, ...problems];
      if (ctx.json) ctx.printJson({ experts: created, problems: all });
      else {
        ctx.print(`导入专家 ${created.length} 位，问题 ${all.length} 条。初始密码只显示这一次，请妥善转交：`);
        for (const x of created)
          ctx.print(
            `  ${x.name}\t用户名 ${x.username}\t${x.initialPassword ? `初始密码 ${x.initialPassword}` : '（已有账号）'}\t${x.panels.join('、')}`,
          );
        for (const p of all) ctx.print(`  ${p.message}`);
      }
      return 0;
    });
  },
};

export const assignCommand: Command = {
  name: ['assign'],
  summary: {
    zh: '自动分配评审：每件作品 N 位专家，负载均衡，回避同单位（可选同区县）',
    en: 'Assign N conflict-free experts per valid entry with balanced loads',
  },
  usage: 'CONTEST [--per-entry N] [--avoid-county] [--json]',
  options: { 'per-entry': { type: 'string' }, 'avoid-county': { type: 'boolean' } },
  optionHelp: {
    'per-entry N': '每件作品的专家人数（默认取规则集）/ experts per entry',
    'avoid-county': '回避同区县 / also avoid the same county',
  },
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const rules = await contestRuleSet(db, id);
      const perEntry = optionalNumber(ctx.values['per-entry'], 'per-entry') ?? rules.judging.reviewersPerEntry;
      const plan = await runAutoAssign(db, id, { perEntry, avoidSameCounty: Boolean(ctx.values['avoid-county']), userId: null });
      if (ctx.json)
        ctx.printJson({
          perEntry,
          assignments: plan.assignments.length,
          added: plan.added.length,
          removed: plan.removed.length,
          shortfalls: plan.shortfalls,
          unpanelled: plan.unpanelled,
        });
      else {
        ctx.print(`每件 ${perEntry} 位专家：共 ${plan.assignments.length} 条分配，新增 ${plan.added.length}，撤销 ${plan.removed.length}`);
        for (const s of plan.shortfalls) ctx.print(`  作品 #${s.entryId}：只分配到 ${s.assigned} 位，${s.reason}`);
        if (plan.unpanelled.length) ctx.print(`  ${plan.unpanelled.length} 件作品的类别没有评审组，未分配`);
      }
      return 0;
    });
  },
};

export const scoresSheetCommand: Command = {
  name: ['scores', 'sheet'],
  summary: { zh: '导出评分表（.xlsx，每个类别一个工作表，每行一件作品和一位专家）', en: 'Export the score sheet (.xlsx)' },
  usage: 'CONTEST --out FILE.xlsx [--panel ID] [--expert ID]',
  options: { out: { type: 'string' }, panel: { type: 'string' }, expert: { type: 'string' } },
  optionHelp: {
    'out FILE': '输出文件 / output file',
    'panel ID': '只导出该评审组 / one panel only',
    'expert ID': '只导出该专家 / one expert only',
  },
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    const out = ctx.values.out;
    if (typeof out !== 'string') throw new UsageError('需要 --out 指定输出文件');
    return withDb(ctx.values.db, async (db) => {
      const bytes = await contestScoreSheet(db, id, {
        panelId: optionalNumber(ctx.values.panel, 'panel'),
        expertId: optionalNumber(ctx.values.expert, 'expert'),
      });
      await fs.writeFile(out, bytes);
      if (ctx.json) ctx.printJson({ out, bytes: bytes.length });
      else ctx.print(`评分表已写入 ${out}`);
      return 0;
    });
  },
};

export const scoresImportCommand: Command = {
  name: ['scores', 'import'],
  summary: {
    zh: '导入填好的评分表：每个填写的行作为已提交的评分；有问题的行被拒绝并说明原因',
    en: 'Import a filled score sheet; bad rows are refused with reasons',
  },
  usage: 'CONTEST FILE [--json]',
  async run(ctx) {
    const [contest, file] = ctx.positionals;
    if (!file) throw new UsageError('需要竞赛编号和评分表文件');
    const id = contestId(contest);
    const bytes = await fs.readFile(file);
    return withDb(ctx.values.db, async (db) => {
      const result = await importScoreSheet(db, id, bytes, path.basename(file));
      if (ctx.json) ctx.printJson(result);
      else {
        ctx.print(`导入评分 ${result.imported} 条，未变化 ${result.unchanged} 条，拒绝 ${result.refused.length} 条`);
        for (const r of result.refused) ctx.print(`  ${r.message}`);
      }
      return 0;
    });
  },
};

export const progressCommand: Command = {
  name: ['progress'],
  summary: {
    zh: '评审进度：各评审组、各专家的已分配/草稿/已提交，缺评与分歧作品',
    en: 'Judging progress per panel and expert, missing reviews, discrepancies',
  },
  usage: 'CONTEST [--xlsx OWED.xlsx] [--json]',
  options: { xlsx: { type: 'string' } },
  optionHelp: { 'xlsx FILE': '导出待评清单 / export who still owes what' },
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const contest = await getContest(db, id);
      if (!contest) {
        console.error(`找不到编号为 ${id} 的竞赛`);
        return 1;
      }
      const progress = await judgingProgress(db, id);
      if (typeof ctx.values.xlsx === 'string') {
        await fs.writeFile(ctx.values.xlsx, await owedWorkbook(contest.name, progress, DEFAULT_REMINDER_SENDER));
      }
      if (ctx.json) ctx.printJson(progress);
      else {
        ctx.print(`已提交 ${progress.submitted} / ${progress.assigned}`);
        if (progress.deadline) ctx.print(`评审截止时间：${progress.deadline.closesAtText}（${progress.deadline.text}）`);
        for (const p of progress.panels) {
          ctx.print(`${p.name}：已提交 ${p.submitted} / ${p.assigned}`);
          for (const x of p.experts) ctx.print(`  ${x.name}：已分配 ${x.assigned}，草稿 ${x.drafted}，已提交 ${x.submitted}`);
        }
        if (progress.missing.length) ctx.print(`缺评作品 ${progress.missing.length} 件：${progress.missing.map((e) => e.code).join('、')}`);
        if (progress.discrepancies.length) {
          const spreads = progress.discrepancies.map((e) => `${e.code}（极差 ${e.spread}）`).join('、');
          ctx.print(`评分分歧作品 ${progress.discrepancies.length} 件（${progress.spreadNote}）：${spreads}`);
        }
      }
      return 0;
    });
  },
};
