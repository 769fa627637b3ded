import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

export interface DocxSection {
  /** Written as a `Heading 2` paragraph (the title is `Heading 1`). */
  heading: string;
  paragraphs: string[];
}

export interface DocxSpec {
  /** Written as a `Heading 1` paragraph and as the document's title property. */
  title: string;
  /** A plain paragraph under the title, e.g. school and author line. */
  byline?: string;
  sections: DocxSection[];
  /** Optional table after the sections; the first row is bold (header). */
  table?: string[][];
  /** Document author property. */
  creator?: string;
}

/** A real Word (.docx) file: headings use Word's Heading styles, so mammoth maps them to <h1>/<h2>. */
export async function makeDocx(spec: DocxSpec): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [new Paragraph({ text: spec.title, heading: HeadingLevel.HEADING_1 })];
  if (spec.byline) children.push(new Paragraph({ children: [new TextRun({ text: spec.byline, italics: true })] }));
  for (const section of spec.sections) {
    children.push(new Paragraph({ text: section.heading, heading: HeadingLevel.HEADING_2 }));
    for (const text of section.paragraphs) children.push(new Paragraph({ text }));
  }
  if (spec.table?.length) {
    children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: spec.table.map(
          (cells, r) =>
            new TableRow({
              children: cells.map(
                (text) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold: r === 0 })] })] }),
              ),
            }),
        ),
      }),
    );
  }
  const doc = new Document({ title: spec.title, creator: spec.creator ?? 'casejury', sections: [{ children }] });
  return Packer.toBuffer(doc);
}

const CASE_HEADINGS = ['一、基本情况', '二、过程与举措', '三、经验与成效', '四、特色与创新'];
const CASE_PHRASES = [
  '依托国家中小学智慧教育平台',
  '学校组建了跨学科研修共同体',
  '教师围绕课堂教学中的重难点问题开展集体备课',
  '通过线上线下相结合的混合式研修',
  '利用平台的名师课堂资源进行课例研讨',
  '建立了常态化的校本研修制度',
  '教研组每周开展一次主题研修活动',
  '青年教师在骨干教师的带领下开展同课异构',
  '借助平台数据分析学生的学习情况',
  '形成了“备课—上课—观课—议课”的研修闭环',
  '研修成果在区域内进行了推广交流',
  '学生的自主学习能力明显提升',
  '教师的数字素养和信息化教学能力不断增强',
  '家校协同育人的渠道更加畅通',
  '课后服务的内容更加丰富多样',
  '我们结合学科核心素养设计研修主题',
  '专家工作室定期开展线上指导',
  '以问题为导向开展行动研究',
  '在双减背景下优化作业设计',
  '乡村学校共享了城区优质教育资源',
  '教师撰写的教学反思汇编成册',
  '平台的教材资源与本校课程深度融合',
  '通过智慧作业实现了精准教学',
  '组织教师参加平台上的专题培训',
];

/** Deterministic pseudo-random numbers, so generated documents are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/**
 * A case-introduction document with the four sections the notices require and about `chars`
 * characters of plausible Chinese prose; `seed` makes each one different but reproducible.
 */
export function caseDocumentSpec(title: string, seed: number, chars = 3000): DocxSpec {
  const random = seeded(seed);
  const perSection = Math.ceil(chars / CASE_HEADINGS.length);
  const sections = CASE_HEADINGS.map((heading) => {
    const paragraphs: string[] = [];
    let length = 0;
    while (length < perSection) {
      const sentences = Array.from({ length: 3 + Math.floor(random() * 3) }, () => {
        const a = CASE_PHRASES[Math.floor(random() * CASE_PHRASES.length)];
        const b = CASE_PHRASES[Math.floor(random() * CASE_PHRASES.length)];
        return `${a}，${b}`;
      });
      const paragraph = `${sentences.join('。')}。`;
      paragraphs.push(paragraph);
      length += paragraph.length;
    }
    return { heading, paragraphs };
  });
  return { title, sections };
}
