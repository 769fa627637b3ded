import ExcelJS from 'exceljs';
import { getContest } from '../../contests/index.ts';
import type { Db } from '../../db/connect.ts';
import { eligibilityBoard, type EntryChecklist, VERDICT_LABELS } from './board.ts';
import { checkLabel, STATUS_LABELS } from '../types.ts';

const FILLS = {
  fail: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } },
  warn: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFEB9C' } },
  header: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
} satisfies Record<string, ExcelJS.Fill>;

const BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

/** Times as an official in China reads them. */
const localTime = (iso: string | null | undefined) =>
  iso
    ? new Date(iso).toLocaleString('zh-CN', {
        timeZone: 'Asia/Shanghai',
        hour12: false,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
    : '';

function styleHeader(row: ExcelJS.Row) {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  row.eachCell((cell) => {
    cell.fill = FILLS.header;
    cell.border = BORDER;
  });
}

function titleRow(sheet: ExcelJS.Worksheet, text: string, width: number) {
  sheet.addRow([text]);
  sheet.mergeCells(1, 1, 1, width);
  const cell = sheet.getCell(1, 1);
  cell.font = { bold: true, size: 14 };
  cell.alignment = { vertical: 'middle', horizontal: 'left' };
  sheet.getRow(1).height = 24;
}

const authorNames = (e: EntryChecklist) => e.authors.map((a) => a.name).join('、');
const units = (e: EntryChecklist) => [...new Set(e.authors.map((a) => a.unit).filter(Boolean))].join('、');

/**
 * The eligibility results as an .xlsx an official can read as it is: sheet 形式审查结果 has
 * one row per entry, a column per check (the finding where it warns or fails, 通过 where it
 * passes, blank where it does not apply), then the decision and its reason; sheet 问题清单
 * lists each failure and warning on its own row.
 */
export async function eligibilityXlsx(db: Db, contestId: number): Promise<Buffer> {
  const contest = await getContest(db, contestId);
  if (!contest) throw new Error(`找不到编号为 ${contestId} 的竞赛`);
  const board = await eligibilityBoard(db, contestId);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'casejury';

  const fixed = ['编号', '作品名称', '类别', '组别', '作者', '单位', '检查结果', '不通过项', '需核对项'];
  const closing = ['审定结果', '审定理由', '审定人', '审定时间', '作品状态'];
  const headers = [...fixed, ...board.checkIds.map(checkLabel), ...closing];
  const sheet = workbook.addWorksheet('形式审查结果', { views: [{ state: 'frozen', xSplit: 2, ySplit: 2 }] });
  titleRow(sheet, `${contest.name} · 形式审查结果（检查时间：${localTime(board.lastCheckedAt) || '尚未检查'}）`, headers.length);
  styleHeader(sheet.addRow(headers));
  for (const e of board.entries) {
    const byId = new Map(e.checks.map((c) => [c.id, c]));
    const row = sheet.addRow([
      e.code,
      e.title,
      e.category?.name ?? '未归类',
      e.group ?? '',
      authorNames(e),
      units(e),
      VERDICT_LABELS[e.verdict],
      e.checks.filter((c) => c.status === 'fail').length,
      e.checks.filter((c) => c.status === 'warn').length,
      ...board.checkIds.map((id) => {
        const c = byId.get(id);
        return !c ? '' : c.status === 'pass' ? STATUS_LABELS.pass : c.message;
      }),
      e.decision?.decision ?? '未审定',
      e.decision?.reason ?? '',
      e.decision?.userName ?? '',
      localTime(e.decision?.at),
      e.statusLabel,
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cell.border = BORDER;
      const id = board.checkIds[col - fixed.length - 1];
      const status = id ? byId.get(id)?.status : col === 7 ? e.verdict : undefined;
      if (status === 'fail' || status === 'warn') cell.fill = FILLS[status];
    });
  }
  const widths = [14, 30, 18, 10, 16, 20, 10, 9, 9, ...board.checkIds.map(() => 28), 10, 30, 10, 17, 12];
  widths.forEach((w, i) => {
    sheet.getColumn(i + 1).width = w;
  });
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: headers.length } };

  const issues = workbook.addWorksheet('问题清单', { views: [{ state: 'frozen', ySplit: 2 }] });
  const issueHeaders = ['编号', '作品名称', '类别', '检查项', '结果', '说明', '审定结果'];
  titleRow(issues, `${contest.name} · 形式审查问题清单`, issueHeaders.length);
  styleHeader(issues.addRow(issueHeaders));
  for (const e of board.entries) {
    for (const c of e.checks) {
      if (c.status === 'pass') continue;
      const row = issues.addRow([
        e.code,
        e.title,
        e.category?.name ?? '未归类',
        checkLabel(c.id),
        STATUS_LABELS[c.status],
        c.message,
        e.decision?.decision ?? '未审定',
      ]);
      row.alignment = { vertical: 'top', wrapText: true };
      row.eachCell((cell) => (cell.border = BORDER));
      row.getCell(5).fill = FILLS[c.status];
    }
  }
  [14, 30, 18, 22, 10, 60, 12].forEach((w, i) => {
    issues.getColumn(i + 1).width = w;
  });
  issues.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: issueHeaders.length } };

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
