import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import { OFFICIAL_FONTS, type OfficialList, sectionHeading, tableHeading, UNORDERED_NOTE } from './official-list.ts';

/** The 获奖名单 as a Word attachment, laid out the way a notice's attachment is (GB/T 9704 fonts and margins). */

/** Millimetres in twentieths of a point (Word's page unit). */
const mm = (x: number) => Math.round((x / 25.4) * 1440);

type Font = { name: string; pt: number };

/** A run in a Chinese font: East Asian text and Latin digits in the same face. */
const run = (text: string, font: Font, bold = false) =>
  new TextRun({ text, bold, size: font.pt * 2, font: { ascii: font.name, eastAsia: font.name, hAnsi: font.name } });

const paragraph = (text: string, font: Font, opts: { center?: boolean; before?: number; after?: number; bold?: boolean } = {}) =>
  new Paragraph({
    alignment: opts.center ? AlignmentType.CENTER : AlignmentType.LEFT,
    spacing: { before: opts.before ?? 0, after: opts.after ?? 0, line: 560, lineRule: 'atLeast' },
    children: [run(text, font, opts.bold)],
  });

const cell = (text: string, font: Font, width: number, center: boolean) =>
  new TableCell({
    width: { size: width, type: WidthType.PERCENTAGE },
    verticalAlign: VerticalAlign.CENTER,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    children: [new Paragraph({ alignment: center ? AlignmentType.CENTER : AlignmentType.LEFT, children: [run(text, font)] })],
  });

export async function officialListDocx(list: OfficialList): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [paragraph(list.title, OFFICIAL_FONTS.title, { center: true, after: 400, bold: true })];
  list.sections.forEach((section, si) => {
    children.push(paragraph(sectionHeading(section, si), OFFICIAL_FONTS.heading, { before: 240, after: 120 }));
    const total = section.widths.reduce((sum, w) => sum + w, 0);
    const percent = section.widths.map((w) => (w / total) * 100);
    section.tables.forEach((table, ti) => {
      children.push(paragraph(`${tableHeading(table, ti)}${UNORDERED_NOTE}`, OFFICIAL_FONTS.subheading, { before: 120, after: 120 }));
      children.push(
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          layout: TableLayoutType.FIXED,
          rows: [
            new TableRow({
              tableHeader: true,
              cantSplit: true,
              children: section.headers.map((h, i) => cell(h, OFFICIAL_FONTS.tableHeader, percent[i], true)),
            }),
            ...table.rows.map(
              (values) =>
                new TableRow({
                  cantSplit: true,
                  children: values.map((v, i) => cell(v, OFFICIAL_FONTS.table, percent[i], i === 0)),
                }),
            ),
          ],
        }),
      );
    });
  });
  const doc = new Document({
    title: list.title,
    creator: 'casejury',
    styles: { default: { document: { run: { font: { eastAsia: OFFICIAL_FONTS.table.name }, size: OFFICIAL_FONTS.table.pt * 2 } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
