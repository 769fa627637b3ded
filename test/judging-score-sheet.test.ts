import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildScoreSheet, parseScoreSheet, rowScores } from '../src/judging/score-sheet.ts';

const criteria = [
  { key: 'design', name: '研修设计', max: 30 },
  { key: 'effect', name: '研修成效', max: 70 },
];

describe('score sheet', () => {
  it('round-trips: exported headers, filled cells read back by criterion, blank rows left out', async () => {
    const buf = await buildScoreSheet([
      {
        name: '区域研修应用案例',
        criteria,
        rows: [
          { code: 'A001', title: '依托平台开展区域研修', expert: '王老师' },
          { code: 'A002', title: '校本研修的数字化转型', expert: '王老师', scores: { design: 25, effect: null }, comment: '' },
          { code: 'A003', title: '空白行', expert: '王老师' },
        ],
      },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('区域研修应用案例')!;
    expect(ws.getRow(1).values).toEqual([undefined, '编号', '作品名称', '专家', '研修设计（30分）', '研修成效（70分）', '评语']);
    ws.getCell('D2').value = 28;
    ws.getCell('E2').value = { formula: '30+30', result: 60 } as ExcelJS.CellFormulaValue;
    ws.getCell('F2').value = '设计完整，成效显著';
    const filled = Buffer.from(await wb.xlsx.writeBuffer());

    const [sheet] = await parseScoreSheet(filled);
    expect(sheet.rows.map((r) => r.code)).toEqual(['A001', 'A002']);
    const first = rowScores(criteria, sheet.rows[0]);
    expect(first).toEqual({ raw: { design: '28', effect: '60' }, missingColumns: [] });
    expect(sheet.rows[0].comment).toBe('设计完整，成效显著');
    expect(sheet.rows[0].row).toBe(2);
    expect(rowScores([...criteria, { key: 'x', name: '特色创新', max: 10 }], sheet.rows[1]).missingColumns).toEqual(['特色创新']);
  });

  it('says so in Chinese when the file is not a workbook', async () => {
    await expect(parseScoreSheet(Buffer.from('not a workbook'))).rejects.toThrow('评分表.xlsx：无法打开，不是有效的 Excel');
  });
});
