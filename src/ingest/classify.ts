import path from 'node:path';

/** What a submitted file is, as the notices name them. */
export type FileKind = '信息表' | '案例介绍' | '总结报告' | '实施方案' | '教学设计' | '视频' | '支撑材料' | '其他' | (string & {});

/**
 * Naming rules from a rule set's materials: each pattern is a regular expression source,
 * matched case-insensitively against the file's path inside the entry folder.
 */
export interface KindPattern {
  kind: string;
  patterns: string[];
}

const VIDEO_EXTS = new Set(['mp4', 'mov', 'avi', 'wmv', 'flv', 'mkv', 'm4v', 'mpg', 'mpeg', '3gp', 'webm', 'rmvb', 'vob']);
const DOCUMENT_EXTS = new Set(['doc', 'docx', 'wps', 'pdf', 'txt', 'rtf', 'odt']);
const WORD_EXTS = new Set(['doc', 'docx', 'wps']);
/** Images, slides, spreadsheets, audio and archives are evidence that backs the case. */
const MATERIAL_EXTS = new Set([
  'jpg',
  'jpeg',
  'png',
  'gif',
  'bmp',
  'webp',
  'tif',
  'tiff',
  'heic',
  'ppt',
  'pptx',
  'pps',
  'ppsx',
  'dps',
  'xls',
  'xlsx',
  'et',
  'csv',
  'mp3',
  'wav',
  'm4a',
  'wma',
  'zip',
  'rar',
  '7z',
  'swf',
  'html',
  'htm',
]);

/** Checked in order on documents' names; the first match wins. */
const DOCUMENT_KEYWORDS: [FileKind, RegExp][] = [
  ['信息表', /信息表|登记表|报名表|申报表|推荐表|附表/],
  ['案例介绍', /案例介绍|介绍文档|案例文本|案例正文|作品介绍|案例说明|作品说明|设计说明/],
  ['总结报告', /总结报告|研修总结|实施报告|工作总结|总结/],
  ['教学设计', /教学设计|教案|学案/],
  ['实施方案', /实施方案|研修方案|活动方案|方案/],
  ['支撑材料', /支撑材料|佐证|证明|相关材料|通知|报道|制度|附件/],
];

const extOf = (fileName: string): string => path.extname(fileName).slice(1).toLowerCase();

/** Kind of one file from its path inside the entry folder; the rule set's patterns are tried first, in order. */
export function classifyFile(entryPath: string, patterns: KindPattern[] = []): FileKind {
  for (const rule of patterns) {
    if (rule.patterns.some((p) => new RegExp(p, 'iu').test(entryPath))) return rule.kind;
  }
  const base = path.posix.basename(entryPath);
  const ext = extOf(base);
  if (VIDEO_EXTS.has(ext)) return '视频';
  if (DOCUMENT_EXTS.has(ext)) {
    const stem = base.slice(0, base.length - ext.length - 1);
    for (const [kind, re] of DOCUMENT_KEYWORDS) if (re.test(stem)) return kind;
  }
  if (MATERIAL_EXTS.has(ext)) return '支撑材料';
  return '其他';
}

/**
 * Kinds of all files of one entry. Entrants often name the case document after the work
 * itself, so when no file is recognised as 案例介绍 and exactly one Word document is left
 * unnamed, that one is it. Files in a materials subfolder count as 支撑材料.
 */
export function classifyEntryFiles(relPaths: string[], patterns: KindPattern[] = []): FileKind[] {
  const kinds = relPaths.map((p) => {
    const kind = classifyFile(p, patterns);
    const inMaterialsFolder = p.split('/').slice(0, -1).some(isMaterialFolderName);
    return kind === '其他' && inMaterialsFolder ? '支撑材料' : kind;
  });
  if (!kinds.includes('案例介绍')) {
    const unnamedWord = kinds.flatMap((k, i) => (k === '其他' && WORD_EXTS.has(extOf(relPaths[i])) ? [i] : []));
    if (unnamedWord.length === 1) kinds[unnamedWord[0]] = '案例介绍';
  }
  return kinds;
}

/** Leading numbering such as `1.`, `01-`, `（一）`, `一、`. */
export const stripNumbering = (name: string): string =>
  name.trim().replace(/^(?:[（(][一二三四五六七八九十\d]+[）)]|[\d０-９]{1,3}[.．、\-_\s]+(?![\d０-９])|[一二三四五六七八九十]+、)\s*/, '');

const MATERIAL_FOLDER =
  /^(?:相关|支撑|佐证|证明|过程性?|其他|其它|附加|补充|辅助|教学|活动|研修|案例)?(?:支撑)?(?:材料|附件|视频|图片|照片|截图|资源包|素材|课件|录像|资料)(?:包|夹)?$/;

/** A subfolder that holds an entry's materials rather than being a level of the layout. */
export const isMaterialFolderName = (name: string): boolean => MATERIAL_FOLDER.test(stripNumbering(name));

/** Documents in the order a reader wants them: the main case document (案例介绍) first, then by path. */
const DOCUMENT_ORDER = ['案例介绍', '案例概述', '总结报告', '实施方案', '实施报告', '教学设计', '说明文档', '信息表'];
const documentRank = (kind: string): number => {
  const i = DOCUMENT_ORDER.indexOf(kind);
  return i === -1 ? DOCUMENT_ORDER.length : i;
};
export const byDocumentOrder = (a: { kind: string; original_path: string }, b: { kind: string; original_path: string }): number =>
  documentRank(a.kind) - documentRank(b.kind) || a.original_path.localeCompare(b.original_path);
