import fs from 'node:fs/promises';
import path from 'node:path';
import { type Command, UsageError } from '../command.ts';
import { contestId, withDb } from '../db.ts';
import { INTAKE_STATES } from '../../intake/quotas.ts';
import { loadIntake } from '../../intake/store/settle.ts';
import { PackageError, writePackage } from '../../packages/store/export.ts';
import { defaultBlobStore } from '../../storage/blobs.ts';
import { importUnitList, loadUnitTree, UnitInputError } from '../../units/store/units.ts';
import { shanghaiMinute } from '../../util/time.ts';

/** Units, intake (quotas and deadlines) and next-stage packages from the command line. */

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

export const unitsImportCommand: Command = {
  name: ['units', 'import'],
  summary: { zh: '导入报送单位名单（.xlsx/.csv：单位名称、类型、上级单位、别名）', en: 'Import the submitting units (.xlsx/.csv)' },
  usage: 'CONTEST FILE [--json]',
  async run(ctx) {
    const [contest, file] = ctx.positionals;
    if (!file) throw new UsageError('需要竞赛编号和单位名单文件');
    const id = contestId(contest);
    const bytes = await fs.readFile(file).catch(() => null);
    if (!bytes) {
      console.error(`无法读取单位名单 ${file}`);
      return 1;
    }
    return withDb(ctx.values.db, async (db) => {
      try {
        const result = await importUnitList(db, id, bytes, path.basename(file), null);
        if (ctx.json) ctx.printJson(result);
        else {
          ctx.print(
            `单位名单已导入：新增 ${result.added}，更新 ${result.updated}，未变化 ${result.unchanged}；作品匹配到单位 ${result.matched} 件`,
          );
          for (const p of result.problems) ctx.print(`  ${p.message}`);
        }
        return 0;
      } catch (err) {
        if (!(err instanceof UnitInputError)) throw err;
        console.error(err.message);
        return 1;
      }
    });
  },
};

export const unitsListCommand: Command = {
  name: ['units', 'list'],
  summary: { zh: '列出竞赛的报送单位', en: "List a contest's submitting units" },
  usage: 'CONTEST [--json]',
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const tree = await loadUnitTree(db, id);
      if (ctx.json) ctx.printJson(tree.units.map((u) => ({ ...u, path: tree.path(u.id) })));
      else if (tree.units.length === 0) ctx.print('还没有报送单位。用 casejury units import CONTEST FILE 导入单位名单。');
      else for (const u of tree.units) ctx.print(`${'  '.repeat(tree.chain(u.id).length - 1)}${u.name}（${u.kind}）`);
      return 0;
    });
  },
};

export const intakeCommand: Command = {
  name: ['intake'],
  summary: {
    zh: '报送情况：各阶段截止时间、各单位名额、逾期和不占名额的作品',
    en: 'Intake report: stage dates, quotas per unit, late and exempt entries',
  },
  usage: 'CONTEST [--json]',
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const state = await loadIntake(db, id);
      const late = state.entries.filter((e) => e.late);
      if (ctx.json) {
        ctx.printJson({
          stages: state.schedule,
          quotas: state.report.units.map((u) => ({
            quota: u.quota,
            unit: u.unitName,
            max: u.max,
            count: u.count,
            over: u.over,
            open: u.open,
            message: u.message,
            decision: u.decision,
            exempt: u.exempt.map((e) => e.code),
            surplus: u.surplus.map((e) => e.code),
          })),
          late: late.map((e) => ({ code: e.code, intake: e.intake })),
          unplaced: state.report.unplaced.map((e) => e.code),
        });
        return 0;
      }
      for (const s of state.schedule) {
        const closes = s.closesAt ? `${shanghaiMinute(s.closesAt)} 截止` : '未定截止时间';
        ctx.print(`${s.name}：${closes}${s.editableDefault ? '（默认值，通知未规定，可修改）' : ''}`);
      }
      for (const u of state.report.units) ctx.print(`${u.open ? '⚠ ' : ''}${u.message}`);
      for (const x of state.report.exempt) ctx.print(`不占名额（${x.quota}·${x.unitName}）：${x.entries.map((e) => e.code).join('、')}`);
      for (const e of late) ctx.print(`逾期：${e.code}（${INTAKE_STATES[e.intake]}）`);
      return 0;
    });
  },
};

export const packageCommand: Command = {
  name: ['package'],
  summary: {
    zh: '导出推荐包：推荐作品按官方目录结构打包，附推荐汇总表（含形式审查、重复率、最终得分）',
    en: 'Export the next-stage package: chosen entries in the official folder layout with the 推荐汇总表',
  },
  usage: 'CONTEST --out FILE.zip [--category KEY]… [--band NAME]… [--all] [--code CODE]… [--json]',
  options: {
    out: { type: 'string' },
    category: { type: 'string', multiple: true },
    band: { type: 'string', multiple: true },
    code: { type: 'string', multiple: true },
    all: { type: 'boolean' },
  },
  optionHelp: {
    'out FILE.zip': '推荐包文件 / the package file to write',
    'category KEY': '只推荐该类别（默认：规则中推荐至下一级的类别） / only this category',
    'band NAME': '只推荐获该奖项的作品（默认：全部获奖作品） / only entries with this prize',
    all: '所选类别中全部已受理的有效作品，不论是否获奖 / every admitted valid entry',
    'code CODE': '只推荐这些编号的作品 / exactly these entries',
  },
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    const out = ctx.values.out;
    if (typeof out !== 'string' || !out) throw new UsageError('缺少 --out FILE.zip');
    return withDb(ctx.values.db, async (db) => {
      try {
        const written = await writePackage(db, id, out, defaultBlobStore(), {
          categories: strings(ctx.values.category),
          bands: strings(ctx.values.band),
          codes: strings(ctx.values.code),
          all: ctx.values.all === true,
        });
        if (ctx.json) ctx.printJson(written);
        else
          ctx.print(
            `已写入推荐包 ${written.file}：${written.entries.length} 件作品、${written.files} 个文件，推荐单位：${written.recommender}`,
          );
        return 0;
      } catch (err) {
        if (!(err instanceof PackageError)) throw err;
        console.error(err.message);
        return 1;
      }
    });
  },
};
