import path from 'node:path';
import { classifyEntryFiles, isMaterialFolderName, stripNumbering } from './classify.ts';
import type { ImportProblem } from './problems.ts';
import { compareText } from '../util/collate.ts';

/**
 * How submissions are laid out, per the notices: level 1 `学段+学校+教师姓名`, level 2 the
 * 参赛项目 (category), level 3 the 作品名称, then the files. Real folders stray from it
 * (wrapping folders, a missing category level, files straight in level 1, materials in
 * subfolders), so the tree is read by what its folders contain rather than by depth alone.
 */

export interface TeacherFolder {
  /** 学段 when recognised (幼儿园, 小学, 初中, 高中, 中职, 高职 …). */
  group: string | null;
  school: string | null;
  /** Names as written, e.g. `张三、李四`. */
  teacher: string | null;
  teachers: string[];
}

export interface LayoutEntry extends TeacherFolder {
  /** Smallest folder holding all the entry's files, relative to the imported root, `/`-separated (`''` = the root). */
  entryFolder: string;
  /** Category as written in the folder name; matched against the contest's categories later. */
  categoryLabel: string | null;
  title: string;
  /** Files relative to the imported root. */
  files: string[];
}

export interface Layout {
  entries: LayoutEntry[];
  /** System and lock files, left out on purpose (not errors). */
  skipped: ImportProblem[];
  /** Files that belong to no entry (e.g. loose files beside several entries). */
  unassigned: ImportProblem[];
}

export interface LayoutOptions {
  /** True for folder names that are one of the contest's categories; helps tell a category level from a title level. */
  isCategory?: (label: string) => boolean;
}

/** Canonical 学段 and the spellings entrants use; longer spellings are tried first. */
const STAGES: [string, string[]][] = [
  ['幼儿园', ['学前教育', '幼儿园', '学前', '幼教']],
  ['小学', ['小学']],
  ['初中', ['初级中学', '初中']],
  ['高中', ['普通高中', '高级中学', '高中']],
  ['中职', ['中等职业教育', '中等职业学校', '中等职业', '中职', '中专', '职高']],
  ['高职', ['高等职业教育', '高等职业', '高职']],
  ['特殊教育', ['特殊教育', '特教']],
  ['基础教育', ['基础教育']],
  ['职业教育', ['职业教育']],
];
const STAGE_SPELLINGS = STAGES.flatMap(([canonical, spellings]) => spellings.map((s) => [s, canonical] as const)).sort(
  (a, b) => b[0].length - a[0].length,
);

/** `小学`, `小学组`, `小学段` → `小学`. */
function stageOf(part: string): string | null {
  const bare = part.replace(/(组|段|学段)$/, '');
  return STAGE_SPELLINGS.find(([spelling]) => spelling === bare)?.[1] ?? null;
}

/** A leading 学段 glued to the rest, as in `小学XX市实验小学张三`. */
function stagePrefix(name: string): [string, string] | null {
  const hit = STAGE_SPELLINGS.find(([spelling]) => name.startsWith(spelling));
  return hit ? [hit[1], name.slice(hit[0].length).replace(/^(组|段|学段)/, '')] : null;
}

const SCHOOL_SUFFIX =
  /(?:幼儿园|小学|中学|学校|学院|大学|中专|职专|职校|技校|完小|校区|分校|中心校|中心|教育局|教研室|教育集团|电教馆|附中|附小|一中|二中|三中|四中|五中|六中|七中|八中|九中|十中|园|校)/g;
const PERSON_NAME = /^[\u4e00-\u9fff·]{2,6}$/;
const NAME_SEPARATORS = /[、，,；;\s]+/;

const splitNames = (names: string): string[] =>
  names
    .split(NAME_SEPARATORS)
    .map((n) => n.trim())
    .filter(Boolean);
const isNameList = (text: string): boolean => {
  const names = splitNames(text);
  return names.length > 0 && names.every((n) => PERSON_NAME.test(n));
};
const looksLikeSchool = (text: string): boolean => new RegExp(SCHOOL_SUFFIX.source).test(text);

/** `XX市实验小学张三` → school `XX市实验小学`, teacher `张三`: cut after the last school suffix that leaves a name. */
function splitSchoolAndTeacher(text: string): [string, string] | null {
  const cuts = [...text.matchAll(SCHOOL_SUFFIX)].map((m) => m.index + m[0].length).reverse();
  for (const cut of cuts) {
    const teacher = text.slice(cut);
    if (cut > 0 && isNameList(teacher)) return [text.slice(0, cut), teacher];
  }
  return null;
}

const folderInfo = (group: string | null, school: string | null, teacher: string | null): TeacherFolder => ({
  group,
  school,
  teacher,
  teachers: teacher ? splitNames(teacher) : [],
});

const UNKNOWN_TEACHER = folderInfo(null, null, null);

/**
 * Reads a level-1 folder name `学段+学校+教师姓名`, whatever the separator (`+ - _ —`, spaces,
 * or none). Null when the name does not look like one, so titles such as `小学数学……` are
 * not taken for teacher folders.
 */
export function parseTeacherFolder(name: string): TeacherFolder | null {
  const parts = name
    .trim()
    .split(/\s*[+＋\-－_—–~·|｜]+\s*|\s+/)
    .filter(Boolean);
  if (parts.length === 1) {
    const prefixed = stagePrefix(parts[0]);
    const split = prefixed && splitSchoolAndTeacher(prefixed[1]);
    return prefixed && split ? folderInfo(prefixed[0], split[0], split[1]) : null;
  }
  const stageIndex = parts.findIndex((p) => stageOf(p) !== null);
  const group = stageIndex >= 0 ? stageOf(parts[stageIndex]) : null;
  const rest = parts.filter((_, i) => i !== stageIndex);
  if (rest.length === 1) {
    const split = splitSchoolAndTeacher(rest[0]);
    if (split) return folderInfo(group, split[0], split[1]);
    if (group && isNameList(rest[0])) return folderInfo(group, null, rest[0]);
    return group && looksLikeSchool(rest[0]) ? folderInfo(group, rest[0], null) : null;
  }
  const schoolIndex = rest.findIndex(looksLikeSchool);
  if (schoolIndex < 0 && !group) return null;
  const school = rest[Math.max(schoolIndex, 0)];
  const teachers = rest.filter((_, i) => i !== Math.max(schoolIndex, 0));
  if (!teachers.every(isNameList)) return null;
  return folderInfo(group, school, teachers.join('、'));
}

/** Reason a file is left out on purpose, or null: Word lock files, macOS and Windows metadata. */
export function junkReason(relPath: string): string | null {
  const segments = relPath.split('/');
  const base = segments[segments.length - 1];
  if (segments.includes('__MACOSX')) return 'macOS 压缩时附带的系统文件夹（__MACOSX），已跳过';
  if (base.startsWith('~$')) return 'Word 打开文档时生成的临时锁定文件，已跳过';
  if (base === '.DS_Store' || base.startsWith('._')) return 'macOS 系统文件，已跳过';
  if (/^(Thumbs\.db|desktop\.ini)$/i.test(base)) return 'Windows 系统文件，已跳过';
  return null;
}

interface Node {
  name: string;
  path: string;
  dirs: Map<string, Node>;
  files: string[];
}

function buildTree(files: string[]): Node {
  const root: Node = { name: '', path: '', dirs: new Map(), files: [] };
  for (const file of files) {
    const segments = file.split('/');
    let node = root;
    for (const segment of segments.slice(0, -1)) {
      let child = node.dirs.get(segment);
      if (!child) {
        child = { name: segment, path: node.path ? `${node.path}/${segment}` : segment, dirs: new Map(), files: [] };
        node.dirs.set(segment, child);
      }
      node = child;
    }
    node.files.push(file);
  }
  return root;
}

const allFiles = (node: Node): string[] => [...node.files, ...[...node.dirs.values()].flatMap(allFiles)];
const materialDirs = (node: Node) => [...node.dirs.values()].filter((d) => isMaterialFolderName(d.name));
/** Files that sit in the folder itself or in its materials subfolders. */
const ownFiles = (node: Node): string[] => [...node.files, ...materialDirs(node).flatMap(allFiles)];
const structuralDirs = (node: Node) => [...node.dirs.values()].filter((d) => !isMaterialFolderName(d.name));

interface Work {
  /** Entry folder: holds every file of the work. */
  folder: Node;
  /** Folder named after the work (the 作品名称 level); the teacher folder when there is none. */
  titleNode: Node;
  /** Layout folders between the teacher folder and the title folder (exclusive), e.g. the category. */
  between: Node[];
  files: string[];
}

/**
 * Works below a teacher folder (depth 0). The teacher folder, category folders, and a
 * depth-1 folder without files of its own are layout levels; any other folder is a work and
 * everything below it (whatever its subfolders are called) belongs to it. A layout level
 * with files of its own and exactly one work below forms one entry with it (an 信息表 beside
 * `项目/作品/`); with several works below, its own files belong to none of them.
 */
function collectWorks(node: Node, depth: number, between: Node[], isCategory: (l: string) => boolean, unassigned: string[]): Work[] {
  const own = ownFiles(node);
  const isLevel = depth === 0 || isCategory(node.name) || (depth === 1 && own.length === 0);
  if (!isLevel) return [{ folder: node, titleNode: node, between, files: allFiles(node) }];
  const below = depth === 0 ? [] : [...between, node];
  const inner = structuralDirs(node).flatMap((d) => collectWorks(d, depth + 1, below, isCategory, unassigned));
  if (own.length === 0) return inner;
  if (inner.length === 0) return [{ folder: node, titleNode: node, between, files: allFiles(node) }];
  if (inner.length === 1) return [{ ...inner[0], folder: node, files: allFiles(node) }];
  unassigned.push(...own);
  return inner;
}

/** Title from the case document's name when the layout has no title folder: `案例介绍-XXX.docx` → `XXX`. */
function titleFromFiles(files: string[]): string | null {
  const kinds = classifyEntryFiles(files);
  const main = files[kinds.indexOf('案例介绍')] ?? files.find((f) => /\.(docx?|wps|pdf)$/i.test(f));
  if (!main) return null;
  const stem = path.posix.basename(main).replace(/\.[^.]+$/, '');
  const title = stem
    .replace(/案例介绍|介绍文档|案例文本|作品介绍|案例正文/g, '')
    .replace(/^[\s+\-_—（）()：:、]+|[\s+\-_—（）()：:、]+$/g, '');
  return title || null;
}

/** Teacher folders: the children of the first folder (down each branch) that has a child named like one. */
function findTeacherParents(node: Node, ancestors: Node[]): { parent: Node; ancestors: Node[] }[] {
  const dirs = [...node.dirs.values()];
  if (dirs.some((d) => parseTeacherFolder(d.name))) return [{ parent: node, ancestors }];
  return dirs.flatMap((d) => findTeacherParents(d, [...ancestors, node]));
}

/**
 * Groups the files of an import (paths relative to its root, `/`-separated) into entries.
 * Pure: the similarity scan and the importer share it.
 */
export function groupIntoEntries(relPaths: string[], options: LayoutOptions = {}): Layout {
  const isCategory = options.isCategory ?? (() => false);
  const skipped: ImportProblem[] = [];
  const kept: string[] = [];
  for (const p of relPaths) {
    const reason = junkReason(p);
    if (reason) skipped.push({ path: p, message: reason });
    else kept.push(p);
  }
  const root = buildTree(kept);
  const loose: string[] = [];
  const entries: LayoutEntry[] = [];

  /** `namedWork`: without teacher folders, a folder holding files may itself be the work, so its name is the title. */
  const readTeacher = (teacherNode: Node, ancestors: Node[], info: TeacherFolder, namedWork = false) => {
    // A teacher folder packed inside another teacher folder (common with RAR files) is unwrapped.
    let node = teacherNode;
    for (;;) {
      const dirs = [...node.dirs.values()];
      if (node.files.length > 0 || dirs.length !== 1 || !(parseTeacherFolder(dirs[0].name) || dirs[0].name === node.name)) break;
      node = dirs[0];
    }
    const teacher = parseTeacherFolder(node.name) ?? info;
    const outsideCategory = [...ancestors].reverse().find((a) => a.name && isCategory(a.name))?.name ?? null;
    for (const work of collectWorks(node, 0, [], isCategory, loose)) {
      const named = work.between.find((b) => isCategory(b.name)) ?? work.between[work.between.length - 1];
      let categoryLabel = named?.name ?? outsideCategory;
      let title: string | null = work.titleNode !== node || (namedWork && node.name !== '') ? work.titleNode.name : null;
      if (title !== null && !named && isCategory(title)) {
        // Files straight in a category folder: the title level is missing, not the category.
        categoryLabel = title;
        title = null;
      }
      entries.push({
        ...teacher,
        entryFolder: work.folder.path,
        categoryLabel: categoryLabel ? stripNumbering(categoryLabel) : null,
        title: title ? stripNumbering(title) : (titleFromFiles(work.files) ?? (node.name || '（未命名作品）')),
        files: work.files.sort(compareText),
      });
    }
  };

  const teacherParents = findTeacherParents(root, []);
  if (teacherParents.length > 0) {
    for (const { parent, ancestors } of teacherParents) {
      loose.push(...parent.files);
      for (const dir of parent.dirs.values()) {
        readTeacher(dir, [...ancestors, parent], parseTeacherFolder(dir.name) ?? UNKNOWN_TEACHER);
      }
    }
  } else {
    // No folder is named like a teacher folder: strip wrapping folders, then either the whole
    // upload is one teacher's (it has files or category folders right here) or each child is one.
    let top = root;
    while (top.files.length === 0 && top.dirs.size === 1) top = [...top.dirs.values()][0];
    const single = ownFiles(top).length > 0 || [...top.dirs.values()].some((d) => isCategory(d.name));
    if (single) readTeacher(top, [], UNKNOWN_TEACHER, true);
    else for (const dir of top.dirs.values()) readTeacher(dir, [top], UNKNOWN_TEACHER, true);
  }
  // Entries come out in the order a Chinese reader expects (and are numbered in it).
  entries.sort((a, b) => compareText(a.entryFolder, b.entryFolder));
  return {
    entries,
    skipped,
    unassigned: loose.sort(compareText).map((p) => ({ path: p, message: '文件不在任何作品文件夹内，未导入' })),
  };
}
