import JSZip from 'jszip';
import { CHINESE_FONT_SIZES, type FontSpec, type FormatHints, type Material, fontSizePt } from '../rules/schema.ts';
import type { CheckResult, EntryFile, Finding } from './types.ts';
import { combine } from './types.ts';
import { Tally } from '../util/tally.ts';

/** Font, size and weight of some text, as Word renders it after styles are applied. */
export interface TextStyle {
  font: string | null;
  sizePt: number;
  bold: boolean;
}

/** The style most of a role's characters are set in, and its share of them. */
export interface StyleUse extends TextStyle {
  share: number;
}

/** Line spacing of the body: a multiple (单倍 = 1) or a fixed value in points. */
export type LineSpacing = { multiple: number } | { exactPt: number };

/** How a .docx is typeset, by role: the document title, heading levels, body text and captions. */
export interface DocxLayout {
  title: StyleUse | null;
  /** [一级, 二级 …]: the shallowest heading level used is 一级. */
  headings: StyleUse[];
  body: StyleUse | null;
  bodyLineSpacing: LineSpacing | null;
  captions: StyleUse | null;
}

// ---------------------------------------------------------------------------------------------
// Reading WordprocessingML: a tag tokenizer is enough for the few elements that carry fonts.

interface Tag {
  name: string;
  attrs: Record<string, string>;
  open: boolean;
  close: boolean;
}

const TOKEN = /<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>|<[?!][^>]*>|([^<]+)/g;
const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : (XML_ENTITIES[e] ?? m),
  );

function scanXml(xml: string, onTag: (t: Tag) => void, onText: (text: string) => void): void {
  for (const m of xml.matchAll(TOKEN)) {
    if (m[5] !== undefined) {
      onText(m[5]);
      continue;
    }
    if (!m[2]) continue; // declaration, comment, doctype
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(ATTR)) attrs[a[1]] = decodeXml(a[2] ?? a[3] ?? '');
    const closing = m[1] === '/';
    onTag({ name: m[2], attrs, open: !closing, close: closing || m[4] === '/' });
  }
}

/** Run properties that can come from the run itself, a style or the document defaults. */
interface RunProps {
  ascii?: string;
  eastAsia?: string;
  asciiTheme?: string;
  eastAsiaTheme?: string;
  halfPoints?: number;
  bold?: boolean;
  rStyle?: string;
}

interface ParaProps {
  styleId?: string;
  outlineLevel?: number;
  spacing?: LineSpacing;
}

interface StyleDef {
  name: string;
  basedOn?: string;
  run: RunProps;
  para: ParaProps;
}

const onOff = (attrs: Record<string, string>) => !['0', 'false', 'off'].includes(attrs['w:val'] ?? '');

/** Applies one property element inside a w:rPr. */
function readRunProp(t: Tag, props: RunProps): void {
  switch (t.name) {
    case 'w:rFonts':
      if (t.attrs['w:ascii']) props.ascii = t.attrs['w:ascii'];
      if (t.attrs['w:eastAsia']) props.eastAsia = t.attrs['w:eastAsia'];
      if (t.attrs['w:asciiTheme']) props.asciiTheme = t.attrs['w:asciiTheme'];
      if (t.attrs['w:eastAsiaTheme']) props.eastAsiaTheme = t.attrs['w:eastAsiaTheme'];
      break;
    case 'w:sz':
      if (t.attrs['w:val']) props.halfPoints = Number(t.attrs['w:val']);
      break;
    case 'w:b':
      props.bold = onOff(t.attrs);
      break;
    case 'w:rStyle':
      props.rStyle = t.attrs['w:val'];
      break;
  }
}

function spacingOf(attrs: Record<string, string>): LineSpacing | undefined {
  const line = Number(attrs['w:line']);
  if (!line) return undefined;
  const rule = attrs['w:lineRule'] ?? 'auto';
  return rule === 'auto' ? { multiple: line / 240 } : { exactPt: line / 20 };
}

/** Applies one property element inside a w:pPr. */
function readParaProp(t: Tag, props: ParaProps): void {
  if (t.name === 'w:pStyle') props.styleId = t.attrs['w:val'];
  else if (t.name === 'w:outlineLvl') props.outlineLevel = Number(t.attrs['w:val']);
  else if (t.name === 'w:spacing') props.spacing = spacingOf(t.attrs) ?? props.spacing;
}

interface Styles {
  byId: Map<string, StyleDef>;
  defaultParagraph?: string;
  defaults: { run: RunProps; para: ParaProps };
}

function parseStyles(xml: string): Styles {
  const styles: Styles = { byId: new Map(), defaults: { run: {}, para: {} } };
  let current: StyleDef | null = null;
  let target: 'run' | 'para' | null = null;
  let inDefaults = false;
  scanXml(
    xml,
    (t) => {
      if (t.name === 'w:docDefaults') inDefaults = t.open && !t.close;
      else if (t.name === 'w:style') {
        if (t.open) {
          current = { name: '', run: {}, para: {} };
          if (t.attrs['w:type'] === 'paragraph' && ['1', 'true'].includes(t.attrs['w:default'] ?? ''))
            styles.defaultParagraph = t.attrs['w:styleId'];
          styles.byId.set(t.attrs['w:styleId'] ?? '', current);
        }
        if (t.close) current = null;
      } else if (t.name === 'w:rPr' || t.name === 'w:pPr') {
        target = t.open && !t.close ? (t.name === 'w:rPr' ? 'run' : 'para') : null;
      } else if (t.open) {
        const props = current ?? (inDefaults ? styles.defaults : null);
        if (!props) return;
        if (current && t.name === 'w:name') current.name = t.attrs['w:val'] ?? '';
        else if (current && t.name === 'w:basedOn') current.basedOn = t.attrs['w:val'];
        else if (target === 'run') readRunProp(t, props.run);
        else if (target === 'para') readParaProp(t, props.para);
      }
    },
    () => {},
  );
  return styles;
}

/** Theme fonts (minorEastAsia …) to typefaces: a theme's `ea` font, or its font for simplified Chinese. */
function parseTheme(xml: string): Record<string, string> {
  const fonts: Record<string, string> = {};
  let group: 'major' | 'minor' | null = null;
  scanXml(
    xml,
    (t) => {
      if (t.name === 'a:majorFont' || t.name === 'a:minorFont')
        group = t.open && !t.close ? (t.name === 'a:majorFont' ? 'major' : 'minor') : null;
      else if (group && t.open) {
        const face = t.attrs.typeface;
        if (t.name === 'a:latin' && face) fonts[`${group}HAnsi`] = fonts[`${group}Ascii`] = face;
        if ((t.name === 'a:ea' && face) || (t.name === 'a:font' && t.attrs.script === 'Hans' && face)) fonts[`${group}EastAsia`] ??= face;
      }
    },
    () => {},
  );
  return fonts;
}

interface RawRun {
  props: RunProps;
  text: string;
}

interface RawParagraph {
  props: ParaProps;
  runs: RawRun[];
  inTable: boolean;
  inTextBox: boolean;
}

function parseDocument(xml: string): RawParagraph[] {
  const done: RawParagraph[] = [];
  const open: RawParagraph[] = [];
  let tableDepth = 0;
  let textBoxDepth = 0;
  let run: RawRun | null = null;
  let inPPr = false;
  let inRPr = false;
  let inText = false;
  scanXml(
    xml,
    (t) => {
      const para = open[open.length - 1];
      switch (t.name) {
        case 'w:tbl':
          tableDepth += t.open && !t.close ? 1 : t.close && !t.open ? -1 : 0;
          return;
        case 'w:txbxContent':
          textBoxDepth += t.open && !t.close ? 1 : t.close && !t.open ? -1 : 0;
          return;
        case 'w:p':
          if (t.open) open.push({ props: {}, runs: [], inTable: tableDepth > 0, inTextBox: textBoxDepth > 0 });
          if (t.close) {
            const closed = open.pop();
            if (closed) done.push(closed);
          }
          return;
        case 'w:pPr':
          inPPr = t.open && !t.close;
          return;
        case 'w:r':
          if (t.open && para) {
            run = { props: {}, text: '' };
            para.runs.push(run);
          }
          if (t.close) run = null;
          return;
        case 'w:rPr':
          inRPr = t.open && !t.close;
          return;
        case 'w:t':
          inText = t.open && !t.close;
          return;
      }
      if (!t.open) return;
      if (inRPr && run && !inPPr) readRunProp(t, run.props);
      else if (inPPr && para && !inRPr) readParaProp(t, para.props);
    },
    (text) => {
      if (inText && run) run.text += decodeXml(text);
    },
  );
  return done;
}

const CJK = /\p{Script=Han}/u;
const COUNTABLE = /[\p{L}\p{N}]/gu;

/** Level (1-based) that numbering at the start of a short paragraph gives it: 一、 → 1, （一） → 2, 1. → 3, （1） → 4. */
function numberedLevel(text: string): number | null {
  if (text.length > 40 || /[。；;]$/.test(text)) return null;
  if (/^(?:第[一二三四五六七八九十]+(?:部分|章)|[一二三四五六七八九十]+、)/.test(text)) return 1;
  if (/^[（(][一二三四五六七八九十]+[)）]/.test(text)) return 2;
  if (/^\d+[.．、](?!\d)/.test(text)) return 3;
  if (/^[（(]\d+[)）]/.test(text)) return 4;
  return null;
}

const CAPTION_TEXT = /^(?:图|表)\s*[\d一二三四五六七八九十]+/;

/** Reads the typesetting of a .docx: which fonts and sizes its title, headings, body and captions are set in. */
export async function readDocxLayout(data: Buffer): Promise<DocxLayout> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(data);
  } catch {
    throw new Error('不是有效的 .docx 文件（无法解压）');
  }
  const read = async (name: string) => (await zip.file(name)?.async('string')) ?? '';
  const documentXml = await read('word/document.xml');
  if (!documentXml) throw new Error('缺少 word/document.xml');
  const styles = parseStyles(await read('word/styles.xml'));
  const theme = parseTheme(await read('word/theme/theme1.xml'));

  /** Style chain from the style itself up through basedOn (cycles cut). */
  const chain = (id: string | undefined): StyleDef[] => {
    const out: StyleDef[] = [];
    for (let s = id ? styles.byId.get(id) : undefined; s && !out.includes(s); s = s.basedOn ? styles.byId.get(s.basedOn) : undefined)
      out.push(s);
    return out;
  };

  const result: Record<'title' | 'body' | 'captions', Tally<TextStyle>> = { title: new Tally(), body: new Tally(), captions: new Tally() };
  const headingUses = new Map<number, Tally<TextStyle>>();
  const spacingUses = new Tally<LineSpacing>();

  let seenTitle = false;
  for (const p of parseDocument(documentXml)) {
    const text = p.runs
      .map((r) => r.text)
      .join('')
      .trim();
    const chars = text.match(COUNTABLE)?.length ?? 0;
    if (chars === 0 || p.inTable || p.inTextBox) continue;
    const paraStyles = chain(p.props.styleId ?? styles.defaultParagraph);
    const styleName = (paraStyles[0]?.name ?? '').toLowerCase();
    const outline = p.props.outlineLevel ?? paraStyles.find((s) => s.para.outlineLevel !== undefined)?.para.outlineLevel;
    const namedLevel = /^(?:heading|标题)\s*(\d)$/.exec(styleName)?.[1];
    const headingLevel = outline !== undefined && outline < 9 ? outline + 1 : namedLevel ? Number(namedLevel) : numberedLevel(text);

    let uses: Tally<TextStyle>;
    if (!seenTitle && /^附[件表]\s*\d*$/.test(text)) continue; // the 附件3 label of a notice's template, not the title
    if (!seenTitle) {
      seenTitle = true;
      uses = result.title;
    } else if (headingLevel !== null) {
      uses = headingUses.get(headingLevel) ?? new Tally();
      headingUses.set(headingLevel, uses);
    } else if (/caption|题注/.test(styleName) || (CAPTION_TEXT.test(text) && text.length <= 60)) {
      uses = result.captions;
    } else {
      uses = result.body;
      const spacing = p.props.spacing ??
        paraStyles.find((s) => s.para.spacing)?.para.spacing ??
        styles.defaults.para.spacing ?? { multiple: 1 };
      spacingUses.add(spacing, chars);
    }

    for (const r of p.runs) {
      const n = r.text.match(COUNTABLE)?.length ?? 0;
      if (n === 0) continue;
      const levels: RunProps[] = [
        r.props,
        ...chain(r.props.rStyle).map((s) => s.run),
        ...paraStyles.map((s) => s.run),
        styles.defaults.run,
      ];
      const eastAsian = CJK.test(r.text);
      const font = (() => {
        for (const l of levels) {
          const themeRef = eastAsian ? l.eastAsiaTheme : l.asciiTheme;
          if (themeRef && theme[themeRef]) return theme[themeRef];
          const face = eastAsian ? l.eastAsia : l.ascii;
          if (face) return face;
        }
        return null;
      })();
      const halfPoints = levels.find((l) => l.halfPoints !== undefined)?.halfPoints ?? 20; // Word's default: 10 pt
      const bold = levels.find((l) => l.bold !== undefined)?.bold ?? false;
      uses.add({ font, sizePt: halfPoints / 2, bold }, n);
    }
  }

  const dominant = (uses: Tally<TextStyle>): StyleUse | null => {
    const top = uses.top();
    return top ? { ...top.value, share: top.n / uses.total } : null;
  };
  return {
    title: dominant(result.title),
    headings: [...headingUses.entries()].sort(([a], [b]) => a - b).flatMap(([, uses]) => dominant(uses) ?? []),
    body: dominant(result.body),
    bodyLineSpacing: spacingUses.top()?.value ?? null,
    captions: dominant(result.captions),
  };
}

// ---------------------------------------------------------------------------------------------
// Comparing with the notice's typesetting hints.

const FONT_NAMES: Record<string, string> = {
  simhei: '黑体',
  simsun: '宋体',
  nsimsun: '新宋体',
  fangsong: '仿宋',
  kaiti: '楷体',
  microsoftyahei: '微软雅黑',
  fangsong_gb2312: '仿宋',
  kaiti_gb2312: '楷体',
};

/**
 * Fonts compared by family: English and Chinese names of the same face agree, and 仿宋_GB2312
 * counts as 仿宋 (the GB2312 build is what many machines lack, the face is the same).
 */
export function sameFont(a: string, b: string): boolean {
  const family = (s: string) => {
    const key = s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
    return (FONT_NAMES[key] ?? key).replace(/_gb2312$/, '');
  };
  return family(a) === family(b);
}

const SIZE_NAMES = new Map<number, string>(Object.entries(CHINESE_FONT_SIZES).map(([name, pt]) => [pt, name]));
const describeSize = (pt: number) => (SIZE_NAMES.has(pt) ? `${SIZE_NAMES.get(pt)}（${pt} 磅）` : `${pt} 磅`);

function describeSpec(spec: FontSpec): string {
  const parts = [
    spec.font,
    spec.size !== undefined ? (typeof spec.size === 'number' ? `${spec.size} 磅` : spec.size) : undefined,
    spec.bold ? '加粗' : undefined,
  ];
  return parts.filter(Boolean).join(' ');
}

const describeUse = (use: StyleUse) =>
  [use.font ?? '（未设字体）', describeSize(use.sizePt), use.bold ? '加粗' : ''].filter(Boolean).join(' ');

/** What differs between a role's text and its spec, or null when it fits. */
function styleMismatch(use: StyleUse, spec: FontSpec): string | null {
  const fontOk = !spec.font || (use.font !== null && sameFont(use.font, spec.font));
  const sizeOk = spec.size === undefined || Math.abs(use.sizePt - fontSizePt(spec.size)) < 0.01;
  const boldOk = spec.bold === undefined || use.bold === spec.bold;
  return fontOk && sizeOk && boldOk ? null : `为 ${describeUse(use)}，要求 ${describeSpec(spec)}`;
}

const describeSpacing = (s: LineSpacing) =>
  'multiple' in s ? (s.multiple === 1 ? '单倍行距' : `${+s.multiple.toFixed(2)} 倍行距`) : `固定值 ${s.exactPt} 磅`;

/** Every way the layout differs from the hints, one string per role. */
function layoutMismatches(layout: DocxLayout, hints: FormatHints): string[] {
  const out: string[] = [];
  const role = (label: string, use: StyleUse | null, spec: FontSpec | undefined) => {
    if (!use || !spec) return;
    const miss = styleMismatch(use, spec);
    if (miss) out.push(`${label}${miss}`);
  };
  role('标题', layout.title, hints.title);
  const levelNames = ['一级标题', '二级标题', '三级标题', '四级标题', '五级标题'];
  hints.headings?.forEach((spec, i) => {
    role(levelNames[i] ?? `${i + 1} 级标题`, layout.headings[i] ?? null, spec);
  });
  role('正文', layout.body, hints.body);
  role('图表标题', layout.captions, hints.captions);
  const wantSpacing = hints.body?.lineSpacing;
  if (wantSpacing !== undefined && layout.bodyLineSpacing) {
    const s = layout.bodyLineSpacing;
    if (!('multiple' in s) || Math.abs(s.multiple - wantSpacing) > 0.05)
      out.push(`正文为${describeSpacing(s)}，要求${describeSpacing({ multiple: wantSpacing })}`);
  }
  if (hints.maxHeadingLevel !== undefined && layout.headings.length > hints.maxHeadingLevel)
    out.push(`使用了 ${layout.headings.length} 级标题，一般不超过 ${hints.maxHeadingLevel} 级`);
  return out;
}

/**
 * Fonts and sizes of title, headings and body (黑体三号标题、仿宋_GB2312四号正文 …) where the
 * notice sets them; warnings unless the rule set says otherwise. `layoutOf` gives each .docx's
 * layout, or the reason it could not be read.
 */
export function checkTypesetting(
  m: Material,
  files: EntryFile[],
  layoutOf: (f: EntryFile) => DocxLayout | string | undefined,
): CheckResult | null {
  const hints = m.format;
  if (!hints || files.length === 0) return null;
  const miss: 'warn' | 'fail' = hints.warnOnly ? 'warn' : 'fail';
  const findings = files.map((f): Finding => {
    if (f.ext === 'pdf') return { status: 'pass', message: `${f.name}：PDF 文件不核对字体字号` };
    const layout = f.ext === 'docx' ? layoutOf(f) : undefined;
    if (layout === undefined) return { status: 'warn', message: `${f.name}：不是 .docx 文件，无法自动核对字体字号，请人工核对` };
    if (typeof layout === 'string') return { status: 'warn', message: `${f.name}：无法读取排版（${layout}），请人工核对字体字号` };
    const problems = layoutMismatches(layout, hints);
    return problems.length
      ? { status: miss, message: `${f.name}：${problems.join('；')}` }
      : { status: 'pass', message: `${f.name}：字体字号符合要求` };
  });
  return combine(`typeset:${m.kind}`, findings, '');
}
