import ExcelJS from 'exceljs';
import { makeDocx } from './docx.ts';
import { makeZip } from './zip.ts';

/**
 * A city contest's submitting units and the recommendation packages its counties, development zone and city
 * schools send (市级交流 of the city notice): a zip of entry folders with the unit's 推荐汇总表 (附件1) beside them.
 */

export const CITY_UNITS: [string, string, string][] = [
  // 单位名称, 单位类型, 上级单位
  ['某市', '市', ''],
  ['东湖区', '区县', '某市'],
  ['西山县', '区县', '某市'],
  ['南岭县', '区县', '某市'],
  ['高新技术产业开发区', '开发区', '某市'],
  ['市第一中学', '市管学校', '某市'],
  ['市实验幼儿园', '市管学校', '某市'],
  ['东湖区实验小学', '学校', '东湖区'],
  ['东湖区第二中学', '学校', '东湖区'],
  ['西山县实验小学', '学校', '西山县'],
  ['南岭县第一中学', '学校', '南岭县'],
  ['高新区星海学校', '学校', '高新技术产业开发区'],
];

const TEACHERS = ['张伟', '李娜', '王芳', '刘洋', '陈静', '杨磊', '黄敏', '赵强', '周婷', '吴涛', '徐丽', '孙鹏', '郑凯', '冯雪', '何平'];

export async function unitListXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('报送单位');
  ws.addRow(['单位名称', '单位类型', '上级单位']);
  for (const row of CITY_UNITS) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface PackageRow {
  title: string;
  school: string;
  /** 参与对象: 教师案例, 学校案例, 区县案例. */
  group?: string;
}

let docx: Buffer | null = null;

/** One unit's package: `<unit>推荐汇总表.xlsx` and a folder per entry holding its 案例介绍 and 报名表. */
export async function unitPackage(unit: string, rows: PackageRow[], opts: { recommender?: boolean } = {}): Promise<Buffer> {
  docx ??= await makeDocx({
    title: '国家平台应用案例',
    sections: [{ heading: '一、问题与场景', paragraphs: ['利用国家中小学智慧教育平台开展课后服务与教师研修。'] }],
  });
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('附件1');
  ws.addRow([`${unit}国家平台应用专项活动推荐汇总表`]);
  const header = ['序号', '作品名称', '参赛项目', '参与对象', '作者', '单位', '联系电话', '文件夹'];
  ws.addRow(opts.recommender ? [...header, '推荐单位'] : header);
  const files: { name: string; data: Buffer }[] = [];
  rows.forEach((r, i) => {
    const author = TEACHERS[i % TEACHERS.length];
    const folder = `${r.school}+${author}/国家平台应用案例评选项目/${r.title}`;
    const cells = [
      i + 1,
      r.title,
      '国家平台应用案例评选项目',
      r.group ?? '教师案例',
      author,
      r.school,
      `1380000${String(i).padStart(4, '0')}`,
      folder,
    ];
    ws.addRow(opts.recommender ? [...cells, unit] : cells);
    files.push(
      { name: `${folder}/案例介绍.docx`, data: docx as Buffer },
      { name: `${folder}/报名表.pdf`, data: Buffer.from(`%PDF-1.4 ${r.title}`) },
    );
  });
  files.unshift({ name: `${unit}推荐汇总表.xlsx`, data: Buffer.from(await wb.xlsx.writeBuffer()) });
  return makeZip(files);
}

/** `n` teacher cases from the unit's schools, titled distinctly. */
export const cases = (unit: string, schools: string[], n: number, from = 1): PackageRow[] =>
  Array.from({ length: n }, (_, i) => ({ title: `${unit}平台应用案例${from + i}`, school: schools[i % schools.length] }));
