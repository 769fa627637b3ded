import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from '../command.ts';
import { contestId as contestIdOf, withDb } from '../db.ts';
import { getContest } from '../../contests/index.ts';
import { eligibilityBoard } from '../../eligibility/store/board.ts';
import { eligibilityXlsx } from '../../eligibility/store/export.ts';
import { importPriorAwards } from '../../eligibility/store/prior-awards.ts';
import { runChecks } from '../../eligibility/store/run.ts';
import { checkLabel } from '../../eligibility/types.ts';

export const checkCommand: Command = {
  name: ['check'],
  summary: {
    zh: '形式审查：按规则检查全部作品，列出不通过的项目（可导出 Excel）',
    en: 'Eligibility review: run every rule-set check on all entries and list the failures (optional .xlsx export)',
  },
  usage: 'CONTEST [--xlsx OUT] [--history FILE] [--json]',
  options: { xlsx: { type: 'string' }, history: { type: 'string' } },
  optionHelp: {
    'xlsx OUT': '把检查结果导出为 Excel 文件 / write the results to an .xlsx file',
    'history FILE': '先导入往届获奖名单（.xlsx：作品名称、作者、单位、年份） / first load a prior-award list (.xlsx)',
  },
  async run(ctx) {
    const contestId = contestIdOf(ctx.positionals[0]);
    const xlsxOut = typeof ctx.values.xlsx === 'string' ? ctx.values.xlsx : undefined;
    const historyFile = typeof ctx.values.history === 'string' ? ctx.values.history : undefined;
    // Progress and file notes go to stderr so --json output stays parseable.
    const note = (line: string) => (ctx.json ? console.error(line) : ctx.print(line));

    return withDb(ctx.values.db, async (db) => {
      if (!(await getContest(db, contestId))) {
        console.error(`找不到编号为 ${contestId} 的竞赛`);
        return 1;
      }
      if (historyFile) {
        let data: Buffer;
        try {
          data = await fs.readFile(historyFile);
        } catch (err) {
          console.error(`无法读取往届获奖名单 ${historyFile}：${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          return 1;
        }
        const rows = await importPriorAwards(db, contestId, data, path.basename(historyFile), null);
        note(`已导入往届获奖名单 ${path.basename(historyFile)}：${rows} 件作品`);
      }

      const started = performance.now();
      const summary = await runChecks(db, contestId);
      const seconds = (performance.now() - started) / 1000;
      const board = await eligibilityBoard(db, contestId);
      const checked = board.entries.filter((e) => e.checkedAt === summary.checkedAt);

      if (ctx.json) {
        ctx.printJson({
          entries: checked.map((e) => ({ code: e.code, title: e.title, category: e.category?.name ?? null, checks: e.checks })),
        });
      } else {
        ctx.print(`形式审查：检查了 ${summary.checked} 件作品（用时 ${seconds.toFixed(1)} 秒）`);
        ctx.print(`  通过 ${summary.pass} 件，需人工核对 ${summary.warn} 件，不通过 ${summary.fail} 件`);
        for (const c of board.counts.byCategory) {
          if (c.total === 0) continue;
          ctx.print(`  ${c.name}：${c.total} 件（不通过 ${c.byVerdict.fail}，需核对 ${c.byVerdict.warn}）`);
        }
        const failing = checked.filter((e) => e.verdict === 'fail');
        if (failing.length) ctx.print('\n不通过的作品：');
        for (const e of failing) {
          ctx.print(`${e.code}  ${e.title}［${e.category?.name ?? '未归类'}］`);
          for (const c of e.checks.filter((c) => c.status === 'fail')) ctx.print(`  ✗ ${checkLabel(c.id)}：${c.message}`);
        }
      }

      if (xlsxOut) {
        await fs.mkdir(path.dirname(path.resolve(xlsxOut)), { recursive: true });
        await fs.writeFile(xlsxOut, await eligibilityXlsx(db, contestId));
        note(`已导出 ${xlsxOut}`);
      }
      return 0;
    });
  },
};
