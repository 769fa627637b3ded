import { type TableSheet, writeTablesWorkbook } from '../../exports/workbook.ts';
import type { ScanSuspect } from '../../suspects/store/folder.ts';
import type { FolderScan } from './folder-scan.ts';
import { ratePercent } from '../rate-format.ts';

/** Rows made as the workbook is written, not held together. */
function* rowsOf<T>(
  items: readonly T[],
  row: (item: T, index: number) => (string | number | null)[],
): Iterable<(string | number | null)[]> {
  for (let i = 0; i < items.length; i++) yield row(items[i], i);
}

/** Rows of items still being found: the sheet waits for them in its turn. */
async function* lateRows<T>(
  items: Promise<readonly T[]>,
  row: (item: T) => (string | number | null)[],
): AsyncIterable<(string | number | null)[]> {
  for (const item of await items) yield row(item);
}

/**
 * Writes the scan as an Excel workbook in the house layout, streamed to `file`: documents by
 * rate (flagged rows highlighted), pairs, cross-project suspects, common text and unreadable files.
 * Entry suspects still being found (`entrySuspects`) are waited for in their sheet's turn.
 */
export async function writeScanWorkbook(
  file: string,
  { report, suspects }: FolderScan,
  entrySuspects?: Promise<ScanSuspect[]>,
): Promise<void> {
  const { threshold } = report.params;
  const sheets: TableSheet[] = [
    {
      name: '文档重复率',
      columns: [
        { header: '序号', width: 6 },
        { header: '文件', width: 60, wrap: true },
        { header: '参赛项目', width: 22, wrap: true },
        { header: '可计字数', width: 10 },
        { header: '模板字数', width: 10 },
        { header: '重复字数', width: 10 },
        { header: '重复率(%)', width: 11, numFmt: '0.0' },
        { header: '去除引用重复率(%)', width: 14, numFmt: '0.0' },
        { header: '单篇最大重复率(%)', width: 14, numFmt: '0.0' },
        { header: `是否超过${ratePercent(threshold)}%`, width: 12 },
        { header: '主要来源', width: 60, wrap: true },
      ],
      rows: rowsOf(report.documents, (d, i) => [
        i + 1,
        d.path,
        d.category ?? '',
        d.countable,
        d.templateChars,
        d.duplicateChars,
        ratePercent(d.rate),
        ratePercent(d.rateExcludingQuotes),
        ratePercent(d.maxSourceRate),
        d.flagged ? '是' : '否',
        d.sources
          .slice(0, 3)
          .map((s) => `${s.library ? '［比对库］' : ''}${s.path}（${s.sharedChars}字）`)
          .join('\n'),
      ]),
      flagged: (i) => report.documents[i].flagged,
      notes: [`重复率 = 模板以外的重复字数 ÷ 模板以外的可计字数；重复率达到 ${ratePercent(threshold)}% 的文档以红色标出。`],
    },
    {
      name: '相似文档对',
      columns: [
        { header: '文档A', width: 55, wrap: true },
        { header: '文档B', width: 55, wrap: true },
        { header: 'A中重复字数', width: 12 },
        { header: 'B中重复字数', width: 12 },
        { header: '跨项目', width: 8 },
        { header: '相似片段数', width: 10 },
      ],
      rows: rowsOf(report.pairs, (p) => [p.a, p.b, p.aShared, p.bShared, p.crossProject ? '是' : '否', p.spans.length]),
    },
    {
      name: '一稿多投嫌疑',
      columns: [
        { header: '文档A', width: 55, wrap: true },
        { header: '文档B', width: 55, wrap: true },
        { header: 'A中重复字数', width: 12 },
        { header: 'B中重复字数', width: 12 },
      ],
      rows: suspects.map((p) => [p.a, p.b, p.aShared, p.bShared]),
      notes: ['不同参赛项目的两份文档共有其中一份一半以上的文字。'],
    },
    {
      name: '同一作品或主题',
      columns: [
        { header: '作品A', width: 50, wrap: true },
        { header: '作品B', width: 50, wrap: true },
        { header: '类型', width: 10 },
        { header: '综合分', width: 8, numFmt: '0.00' },
        { header: '依据', width: 70, wrap: true },
      ],
      rows: lateRows(entrySuspects ?? Promise.resolve(report.suspects ?? []), (s) => [s.a, s.b, s.kind, s.score, s.reasons.join('\n')]),
      notes: ['一稿多投：附件相同或大部分文字相同；相似主题：同一作者且题目或主题相近。'],
    },
    {
      name: '公共文本',
      columns: [
        { header: '文本', width: 80, wrap: true },
        { header: '出现的文档数', width: 12 },
      ],
      rows: report.common.map((c) => [c.text, c.entries]),
      notes: ['多数参赛文档共有、但不在模板中的文字；计入重复率。'],
    },
    {
      name: '无法读取的文件',
      columns: [
        { header: '文件', width: 60, wrap: true },
        { header: '原因', width: 50, wrap: true },
      ],
      rows: report.errors.map((e) => [e.path, e.message]),
    },
  ];
  await writeTablesWorkbook(file, sheets, '查重报告');
}
