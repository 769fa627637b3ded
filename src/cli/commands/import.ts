import { type Command, UsageError } from '../command.ts';
import { contestId, withDb } from '../db.ts';
import type { EntryStatus } from '../../db/schema.ts';
import { ENTRY_STATUSES } from '../../entries/status.ts';
import { listEntries } from '../../ingest/entries.ts';
import { importPath } from '../../ingest/import.ts';
import { runPendingOcr } from '../../ingest/ocr-run.ts';
import { loadUnitTree } from '../../units/store/units.ts';

export const importCommand: Command = {
  name: ['import'],
  summary: {
    zh: '导入作品：文件夹、.zip/.rar 压缩包或 .xlsx/.csv 汇总表；中断后重新运行会续传',
    en: 'Import entries from a folder, .zip/.rar archive or .xlsx/.csv summary sheet; re-running resumes',
  },
  usage: 'CONTEST PATH [--unit NAME] [--json]',
  options: { unit: { type: 'string' } },
  optionHelp: { 'unit NAME': '报送单位（区县、开发区、学校）：作品归入该单位及其下级单位 / the unit sending this batch' },
  async run(ctx) {
    const [contest, source] = ctx.positionals;
    if (!source) throw new UsageError('需要竞赛编号和要导入的路径');
    const id = contestId(contest);
    return withDb(ctx.values.db, async (db) => {
      const showProgress = !ctx.json && process.stderr.isTTY;
      let unitId: number | null = null;
      if (typeof ctx.values.unit === 'string') {
        const unit = (await loadUnitTree(db, id)).units.find((u) => u.name === ctx.values.unit);
        if (!unit) {
          console.error(`本竞赛没有名为“${ctx.values.unit}”的报送单位（casejury units list ${id} 可列出全部单位）`);
          return 1;
        }
        unitId = unit.id;
      }
      const summary = await importPath(db, id, source, {
        unitId,
        onProgress: showProgress ? (done, total) => void process.stderr.write(`\r正在导入 ${done}/${total} 件作品…`) : undefined,
      });
      if (showProgress) process.stderr.write('\n');
      // Scans and pictures are read right after the import (the server does it in a background job).
      const ocr = summary.ocrPending
        ? await runPendingOcr(db, id, {
            onProgress: showProgress ? (done, total) => void process.stderr.write(`\r正在识别扫描件 ${done}/${total}…`) : undefined,
          })
        : null;
      if (showProgress && ocr) process.stderr.write('\n');
      if (ctx.json) {
        ctx.printJson({ ...summary, ocr });
        return 0;
      }
      ctx.print(
        `导入完成（批次 #${summary.batchId}）：新增或更新 ${summary.imported} 件，未变化 ${summary.unchanged} 件，` +
          `跳过系统/临时文件 ${summary.skipped} 个，问题 ${summary.errorCount} 条`,
      );
      for (const e of summary.errors) ctx.print(`  ${e.path}：${e.message}`);
      if (summary.errorCount > summary.errors.length) ctx.print(`  ……另有 ${summary.errorCount - summary.errors.length} 条问题未列出`);
      if (ocr) ctx.print(`文字识别（OCR）：识别 ${ocr.read} 个扫描件或图片${ocr.failed ? `，${ocr.failed} 个失败` : ''}`);
      return 0;
    });
  },
};

export const entriesCommand: Command = {
  name: ['entries'],
  summary: { zh: '列出竞赛的作品', en: "List a contest's entries" },
  usage: 'CONTEST [--category KEY] [--status STATUS] [--json]',
  options: { category: { type: 'string' }, status: { type: 'string' } },
  optionHelp: {
    'category KEY': '只列出该类别（规则中的 key） / only this category (rule-set key)',
    'status STATUS': `只列出该状态：${Object.entries(ENTRY_STATUSES)
      .map(([k, v]) => `${k}（${v}）`)
      .join('、')} / only this status`,
  },
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    const status = ctx.values.status;
    if (typeof status === 'string' && !(status in ENTRY_STATUSES)) {
      throw new UsageError(`未知状态：${status}（可用：${Object.keys(ENTRY_STATUSES).join('、')}）`);
    }
    const category = typeof ctx.values.category === 'string' ? ctx.values.category : undefined;
    return withDb(ctx.values.db, async (db) => {
      const contest = await db.selectFrom('contests').select('id').where('id', '=', id).executeTakeFirst();
      if (!contest) {
        console.error(`找不到编号为 ${id} 的竞赛`);
        return 1;
      }
      const entries = await listEntries(db, id, { category, status: status as EntryStatus | undefined });
      if (ctx.json) {
        ctx.printJson(entries);
        return 0;
      }
      if (entries.length === 0) ctx.print('没有符合条件的作品。');
      for (const e of entries) {
        const categoryName = e.category?.name ?? `未归类：${e.categoryLabel ?? '—'}`;
        const authors = e.authors.map((a) => a.name).join('、') || '—';
        const problems = e.fileErrors ? `（${e.fileErrors} 个有问题）` : '';
        ctx.print(
          `${e.code}  ${e.title}  [${categoryName}]  ${e.group ?? '—'}  ${authors}  文件 ${e.files}${problems}  ${ENTRY_STATUSES[e.status]}`,
        );
      }
      return 0;
    });
  },
};
