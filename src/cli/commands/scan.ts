import { stat, writeFile } from 'node:fs/promises';
import { type Command, UsageError } from '../command.ts';
import { type FolderScan, ScanInputError, scanFolder } from '../../similarity/scan/folderScan.ts';
import { scanWorkbook } from '../../similarity/scan/workbook.ts';
import { DEFAULT_OPTIONS } from '../../similarity/index.ts';

const list = (value: unknown): string[] => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []);
const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

function threshold(value: unknown): number {
  if (value === undefined) return DEFAULT_OPTIONS.threshold;
  const text = String(value).trim();
  const n = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new UsageError(`--threshold 应为 0 到 1 之间的小数（如 0.30）或百分数（如 30%）：${text}`);
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
      `一稿多投嫌疑 ${suspects.length} 对，无法读取 ${errors.length} 个文件。`,
  ];
  if (flagged.length) {
    lines.push('', '重复率超标的文档：');
    for (const d of flagged) {
      const top = d.sources[0];
      lines.push(`  ${percent(d.rate)}（去除引用 ${percent(d.rateExcludingQuotes)}）  ${d.path}` + (top ? `\n      主要来源：${top.library ? '［比对库］' : ''}${top.path}（${top.sharedChars} 字）` : ''));
    }
  }
  if (suspects.length) {
    lines.push('', '一稿多投嫌疑（不同参赛项目的文档大半相同）：');
    for (const s of suspects) lines.push(`  ${s.a}\n  ${s.b}`);
  }
  if (common.length) {
    lines.push('', '公共文本（多数文档共有，计入重复率）：');
    for (const c of common.slice(0, 10)) lines.push(`  ${c.entries} 篇：${c.text.length > 40 ? c.text.slice(0, 40) + '…' : c.text}`);
  }
  if (errors.length) {
    lines.push('', '无法读取的文件：');
    for (const e of errors) lines.push(`  ${e.path}：${e.message}`);
  }
  return lines;
}

export const scanCommand: Command = {
  name: ['scan'],
  summary: {
    zh: '查重：比对文件夹中的全部文档（可加比对库和模板），给出每篇的重复率、相似文档对和一稿多投嫌疑',
    en: 'Similarity scan of every document in a folder (plus library and templates): rates, pairs, cross-project suspects',
  },
  usage: 'FOLDER [--library FOLDER]... [--template FILE]... [--threshold 0.30] [--min-match 13] [--json [OUT.json]] [--xlsx OUT.xlsx]',
  options: {
    library: { type: 'string', multiple: true },
    template: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    'min-match': { type: 'string' },
    // `--json OUT.json` writes the report to a file; bare `--json` prints it
    json: { type: 'string' },
    xlsx: { type: 'string' },
  },
  optionHelp: {
    'library FOLDER': '比对库（往届文档、参考资料），只作比对、不排名；可多次给出 / library folder, compared against but not ranked; repeatable',
    'template FILE': '模板（通知、表格原文），其文字不计入重复率；可多次给出 / template file whose text is not counted; repeatable',
    'threshold X': '重复率阈值，默认 0.30 / flagging threshold, default 0.30',
    'min-match N': '计为重复的最短片段（字），默认 13 / shortest duplicate passage in characters, default 13',
    'json [OUT]': '把 JSON 报告写入 OUT；不给文件名则输出到屏幕 / write the JSON report to OUT, or print it',
    'xlsx OUT': '写出 Excel 报告 / write an Excel report',
  },
  async run(ctx) {
    const [folder, ...extra] = ctx.positionals;
    if (!folder) throw new UsageError('需要指定要查重的文件夹');
    if (extra.length) throw new UsageError(`多余的参数：${extra.join(' ')}`);
    await mustBeFolder(folder, '要查重的文件夹');
    const libraries = list(ctx.values.library);
    for (const l of libraries) await mustBeFolder(l, '比对库');
    const options = { threshold: threshold(ctx.values.threshold), minMatch: minMatch(ctx.values['min-match']) };
    const jsonFile = typeof ctx.values.json === 'string' && ctx.values.json !== '' ? ctx.values.json : null;
    const xlsxFile = typeof ctx.values.xlsx === 'string' ? ctx.values.xlsx : null;
    const showProgress = process.stderr.isTTY && !(ctx.json && !jsonFile);

    let scan: FolderScan;
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

    if (jsonFile) await writeFile(jsonFile, JSON.stringify(scan.report, null, 2));
    if (xlsxFile) await writeFile(xlsxFile, await scanWorkbook(scan));
    if (ctx.json && !jsonFile) {
      ctx.printJson(scan.report);
      return 0;
    }
    for (const line of summary(scan)) ctx.print(line);
    if (jsonFile) ctx.print(`JSON 报告：${jsonFile}`);
    if (xlsxFile) ctx.print(`Excel 报告：${xlsxFile}`);
    return 0;
  },
};
