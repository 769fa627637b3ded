import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';

/** Text set in one font, size and weight (the `docx` package writes them as run properties). */
export interface StyledText {
  text: string;
  font?: string;
  sizePt?: number;
  bold?: boolean;
}

export interface StyledSection {
  heading: StyledText;
  /** 1 = Word's Heading 1 style, 2 = Heading 2 … */
  level?: 1 | 2 | 3;
  paragraphs: StyledText[];
}

export interface StyledDocSpec {
  title: StyledText;
  sections: StyledSection[];
  /** Body line spacing as a multiple (1 = 单倍行距). */
  lineSpacing?: number;
  /** Font and size of text that sets neither (the document defaults in styles.xml). */
  defaults?: { font: string; sizePt: number };
}

const run = (t: StyledText) =>
  new TextRun({
    text: t.text,
    font: t.font ? { ascii: t.font, eastAsia: t.font, hAnsi: t.font } : undefined,
    size: t.sizePt ? t.sizePt * 2 : undefined,
    bold: t.bold,
  });

const HEADINGS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

/** A .docx whose title, headings (Word heading styles) and body carry the given fonts and sizes. */
export async function makeStyledDocx(spec: StyledDocSpec): Promise<Buffer> {
  const spacing = spec.lineSpacing ? { line: Math.round(spec.lineSpacing * 240) } : undefined;
  const children = [new Paragraph({ children: [run(spec.title)] })];
  for (const s of spec.sections) {
    children.push(new Paragraph({ heading: HEADINGS[s.level ?? 1], children: [run(s.heading)] }));
    for (const p of s.paragraphs) children.push(new Paragraph({ children: [run(p)], spacing }));
  }
  const defaults = spec.defaults ? { document: { run: { font: spec.defaults.font, size: spec.defaults.sizePt * 2 } } } : undefined;
  return Packer.toBuffer(new Document({ styles: { default: defaults }, sections: [{ children }] }));
}
