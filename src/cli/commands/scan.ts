import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Command, type CommandContext, UsageError } from '../command.ts';
import { type FolderScan, type FolderScanInProgress, ScanInputError, scanFolder } from '../../similarity/store/folder-scan.ts';
import type { ScanSuspect } from '../../suspects/store/folder.ts';
import { writeScanJson } from '../../similarity/store/report-file.ts';
import { DEFAULT_OPTIONS } from '../../similarity/index.ts';

const list = (value: unknown): string[] => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []);
const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

function threshold(value: unknown): number {
  if (value === undefined) return DEFAULT_OPTIONS.threshold;
  const text = String(value).trim();
  const n = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new UsageError(`--threshold 应为 0 到 1 之间的小数（如 0.30）或百分数（如 30%）：${text}`);
  return n;
}

function minMatch(value: unknown): number {
  if (value === undefined) return DEFAULT_OPTIONS.minMatch;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 5 || n > 200) throw new UsageError(`--min-match 应为 5 到 200 之间的整数：${String(value)}`);
  return n;
}

async function mustBeFolder(p: string, what: string): Promise<void> {
  const s = await stat(p).catch(() => null);
  if (!s?.isDirectory()) throw new UsageError(`${what}不存在或不是文件夹：${p}`);
}

function summary({ report, suspects }: FolderScan): string[] {
  const { documents, errors, common, params } = report;
  const flagged = documents.filter((d) => d.flagged);
  const lines = [
    `查重完成：${documents.length} 篇文档，重复率达到 ${percent(params.threshold)} 的 ${flagged.length} 篇，` +
      `一稿多投或相似主题嫌疑 ${report.suspects?.length ?? suspects.length} 对，无法读取 ${errors.length} 个文件。`,
  ];
  if (flagged.length) {
    lines.push('', '重复率超标的文档：');
    for (const d of flagged) {
      const top = d.sources[0];
      lines.push(
        `  ${percent(d.rate)}（去除引用 ${percent(d.rateExcludingQuotes)}）  ${d.path}` +
          (top ? `\n      主要来源：${top.library ? '［比对库］' : ''}${top.path}（${top.sharedChars} 字）` : ''),
      );
    }
  }
  if (report.suspects?.length) {
    lines.push('', '一稿多投、相似主题嫌疑（同一作品或同一课题报送了不同参赛项目）：');
    for (const s of report.suspects)
      lines.push(`  ［${s.kind}］综合得分 ${s.score.toFixed(2)}\n  ${s.a}\n  ${s.b}`, ...s.reasons.map((r) => `      ${r}`));
  } else if (!report.suspects && suspects.length) {
    // contest scans carry only the text pairs
    lines.push('', '一稿多投嫌疑（不同参赛项目的文档大半相同）：');
    for (const s of suspects) lines.push(`  ${s.a}\n  ${s.b}`);
  }
  if (common.length) {
    lines.push('', '公共文本（多数文档共有，计入重复率）：');
    for (const c of common.slice(0, 10)) lines.push(`  ${c.entries} 篇：${c.text.length > 40 ? `${c.text.slice(0, 40)}…` : c.text}`);
  }
  if (errors.length) {
    lines.push('', '无法读取的文件：');
    for (const e of errors) lines.push(`  ${e.path}：${e.message}`);
  }
  return lines;
}

/** Options a contest scan takes from the contest itself (rule set, library and templates uploaded on the 查重 page). */
const FOLDER_ONLY_OPTIONS = ['library', 'template', 'threshold', 'min-match'];

/**
 * The Excel writer when `--xlsx` is asked for: its library takes a fifth of a second to load, so the
 * load starts with the command (a folder scan's threads read the documents meanwhile).
 */
const workbookWriter = (ctx: CommandContext) =>
  typeof ctx.values.xlsx === 'string' ? import('../../similarity/store/workbook.ts').then((m) => m.writeScanWorkbook) : null;

/** Writes the report as asked (`--json [OUT]`, `--xlsx OUT`) and prints the summary unless JSON went to the screen. */
async function output(
  ctx: CommandContext,
  { scan, entrySuspects }: { scan: FolderScan; entrySuspects?: Promise<ScanSuspect[]> },
  workbook: ReturnType<typeof workbookWriter>,
  heading: string[] = [],
): Promise<number> {
  const jsonFile = typeof ctx.values.json === 'string' && ctx.values.json !== '' ? ctx.values.json : null;
  const xlsxFile = typeof ctx.values.xlsx === 'string' ? ctx.values.xlsx : null;
  // streamed: a report of any size is never one string; a folder scan's entry suspects, still being found, go last
  if (jsonFile) await writeScanJson(createWriteStream(jsonFile), scan.report, { late: entrySuspects });
  if (xlsxFile && workbook) await (await workbook)(xlsxFile, scan, entrySuspects);
  if (entrySuspects) scan.report.suspects = await entrySuspects;
  if (ctx.json && !jsonFile) {
    await writeScanJson(process.stdout, scan.report, { end: false });
    return 0;
  }
  for (const line of [...heading, ...summary(scan)]) ctx.print(line);
  if (jsonFile) ctx.print(`JSON 报告：${jsonFile}`);
  if (xlsxFile) ctx.print(`Excel 报告：${xlsxFile}`);
  return 0;
}

/** Progress on a terminal, never into JSON printed to the screen. */
const showsProgress = (ctx: CommandContext): boolean =>
  process.stderr.isTTY && !(ctx.json && !(typeof ctx.values.json === 'string' && ctx.values.json !== ''));

/** `scan --contest ID`: the contest's documents against one another and its library, stored as a new run (as the 查重 page does). */
async function scanContest(ctx: CommandContext, id: number): Promise<number> {
  if (ctx.positionals.length) throw new UsageError(`按竞赛查重时不需要指定文件夹：${ctx.positionals.join(' ')}`);
  const refused = FOLDER_ONLY_OPTIONS.filter((o) => ctx.values[o] !== undefined);
  if (refused.length)
    throw new UsageError(
      `按竞赛查重时不能使用 ${refused.map((o) => `--${o}`).join('、')}：阈值和最短匹配取自竞赛规则，比对库和模板在“查重”页面上传`,
    );
  // the database layer loads only for a contest scan
  const [{ withDb }, { getContest }, { runContestScan }, { getRun }, { contestScanReport }] = await Promise.all([
    import('../db.ts'),
    import('../../contests/index.ts'),
    import('../../similarity/store/scan.ts'),
    import('../../similarity/store/queries.ts'),
    import('../../similarity/store/report.ts'),
  ]);
  const workbook = workbookWriter(ctx);
  return withDb(ctx.values.db, async (db) => {
    if (!(await getContest(db, id))) {
      console.error(`找不到编号为 ${id} 的竞赛`);
      return 1;
    }
    const progress = showsProgress(ctx);
    const done = await runContestScan(db, id, {
      userId: null,
      onProgress: progress ? (n, total) => void process.stderr.write(`\r正在查重 ${n}/${total}…`) : undefined,
    });
    if (progress) process.stderr.write('\n');
    const run = await getRun(db, id, done.runId);
    if (!run) throw new Error(`Similarity run ${done.runId} finished but cannot be read back`);
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    const heading =
      `第 ${done.version} 次查重：${done.documents} 篇作品文档、${done.libraryDocuments} 篇比对库文档，` +
      `用时 ${seconds(done.durationMs)} 秒（比对 ${seconds(done.compareMs)} 秒）。`;
    return output(ctx, { scan: await contestScanReport(db, id, run) }, workbook, [heading]);
  });
}

export const scanCommand: Command = {
  name: ['scan'],
  summary: {
    zh: '查重：比对文件夹中的全部文档（可加比对库和模板），或竞赛中的全部作品（--contest），给出每篇的重复率、相似文档对和一稿多投嫌疑',
    en:
      'Similarity scan of every document in a folder (plus library and templates), or of a contest (--contest): ' +
      'rates, pairs, cross-project suspects',
  },
  usage:
    'FOLDER [--library FOLDER]... [--template FILE]... [--threshold 0.30] [--min-match 13] [--json [OUT.json]] [--xlsx OUT.xlsx]\n' +
    '       casejury scan --contest ID [--db URL] [--json [OUT.json]] [--xlsx OUT.xlsx]',
  options: {
    contest: { type: 'string' },
    library: { type: 'string', multiple: true },
    template: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    'min-match': { type: 'string' },
    // `--json OUT.json` writes the report to a file; bare `--json` prints it
    json: { type: 'string' },
    xlsx: { type: 'string' },
  },
  optionHelp: {
    'contest ID':
      "查重竞赛中的全部作品（文档类型、阈值取自竞赛规则，另比对该竞赛的比对库），结果存入数据库 / scan a contest's entries and library; results are stored",
    'library FOLDER':
      '比对库（往届文档、参考资料），只作比对、不排名；可多次给出 / library folder, compared against but not ranked; repeatable',
    'template FILE': '模板（通知、表格原文），其文字不计入重复率；可多次给出 / template file whose text is not counted; repeatable',
    'threshold X': '重复率阈值，默认 0.30 / flagging threshold, default 0.30',
    'min-match N': '计为重复的最短片段（字），默认 13 / shortest duplicate passage in characters, default 13',
    'json [OUT]': '把 JSON 报告写入 OUT；不给文件名则输出到屏幕 / write the JSON report to OUT, or print it',
    'xlsx OUT': '写出 Excel 报告 / write an Excel report',
  },
  async run(ctx) {
    if (ctx.values.contest !== undefined) return scanContest(ctx, (await import('../db.ts')).contestId(String(ctx.values.contest)));
    const [folder, ...extra] = ctx.positionals;
    if (!folder) throw new UsageError('需要指定要查重的文件夹（或用 --contest 指定竞赛）');
    if (extra.length) throw new UsageError(`多余的参数：${extra.join(' ')}`);
    await mustBeFolder(folder, '要查重的文件夹');
    const libraries = list(ctx.values.library);
    for (const l of libraries) await mustBeFolder(l, '比对库');
    const options = { threshold: threshold(ctx.values.threshold), minMatch: minMatch(ctx.values['min-match']) };
    const showProgress = showsProgress(ctx);
    const workbook = workbookWriter(ctx);

    let scan: FolderScanInProgress;
    try {
      scan = await scanFolder({
        folder,
        libraries,
        templates: list(ctx.values.template),
        options,
        onProgress: showProgress ? (done, total) => void process.stderr.write(`\r正在读取 ${done}/${total} 个文件…`) : undefined,
      });
    } catch (err) {
      if (err instanceof ScanInputError) throw new UsageError(err.message);
      throw err;
    }
    if (showProgress) process.stderr.write('\n');
    return output(ctx, scan, workbook);
  },
};
