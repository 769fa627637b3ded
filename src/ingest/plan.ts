import path from 'node:path';
import { safeArchivePath } from './archive.ts';
import type { Layout, LayoutEntry } from './layout.ts';
import type { ImportProblem } from './problems.ts';
import type { SheetAuthor, SourceResult, SummarySheet } from './sheet.ts';
import type { UnitClues } from '../units/match.ts';

/** One entry as the importer will write it, before any file is read. */
export interface PlannedEntry {
  /** Identity within the contest (stored as `entries.source_path`): the entry folder, or the sheet row's 编号. */
  key: string;
  /** 编号 from the summary sheet; generated when absent. */
  code: string | null;
  title: string;
  /** 学段/组别 as found, before mapping to the rule set's group names. */
  group: string | null;
  categoryLabel: string | null;
  authors: SheetAuthor[];
  /** `rel`: relative to the import root; `entryPath`: relative to the entry folder (`files.original_path`). */
  files: { rel: string; entryPath: string }[];
  /** Warnings known before reading files (e.g. a sheet row whose folder is missing). */
  problems: ImportProblem[];
  /** 来源编号 from a recommendation package: when present, the entry's identity instead of `key`. */
  sourceCode: string | null;
  /** What the sheet and folders say about the submitting unit. */
  unitClues: UnitClues;
  /** What the level below found (a package's 评审结果 sheet). */
  sourceResult: SourceResult | null;
}

const filesOf = (folder: string, rels: string[]) =>
  rels.map((rel) => ({ rel, entryPath: folder ? path.posix.relative(folder, rel) : rel }));

/** Teachers named in the level-1 folder, with its school as their unit. */
const authorsOf = (e: LayoutEntry): SheetAuthor[] => e.teachers.map((name) => ({ name, unit: e.school, county: null, phone: null }));

const folderClues = (e: LayoutEntry | undefined, key: string): UnitClues => ({
  sheetUnit: null,
  county: null,
  folderSchool: e?.school ?? null,
  authorUnits: [],
  folders: key.split('/').filter(Boolean),
});

/** Entries from the folder layout alone. */
export function planFromLayout(layout: Layout): PlannedEntry[] {
  return layout.entries.map((e) => ({
    key: e.entryFolder || '.',
    code: null,
    title: e.title,
    group: e.group,
    categoryLabel: e.categoryLabel,
    authors: authorsOf(e),
    files: filesOf(e.entryFolder, e.files),
    problems: [],
    sourceCode: null,
    unitClues: folderClues(e, e.entryFolder),
    sourceResult: null,
  }));
}

const comparableTitle = (t: string): string => t.replace(/[\s《》“”"'：:，,。.、\-_—（）()]/g, '').toLowerCase();

/**
 * Entries from a summary sheet: each row is an entry, its files found through the 文件夹
 * column, or else the layout entry with the same title or whose folder carries its 编号.
 * `files` are all non-skipped files beside the sheet.
 */
export function planFromSheet(
  sheet: SummarySheet,
  layout: Layout,
  files: string[],
  sheetName: string,
): { entries: PlannedEntry[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [...sheet.problems];
  const claimed = new Set<string>();
  const keys = new Set<string>();
  const entries: PlannedEntry[] = [];
  for (const row of sheet.rows) {
    const where = `${sheetName} 第 ${row.row} 行`;
    let folder: string | null = null;
    let found: { rel: string; entryPath: string }[] = [];
    if (row.folder) {
      folder = safeArchivePath(row.folder);
      if (folder === null) {
        problems.push({ path: where, message: `文件夹「${row.folder}」不在汇总表所在的文件夹内，此行未导入` });
        continue;
      }
      const inside = folder;
      found = filesOf(
        inside,
        files.filter((f) => f.startsWith(`${inside}/`)),
      );
      for (const e of layout.entries) if (e.entryFolder === inside || e.entryFolder.startsWith(`${inside}/`)) claimed.add(e.entryFolder);
    } else {
      const title = comparableTitle(row.title);
      const matches = layout.entries.filter(
        (e) =>
          comparableTitle(e.title) === title ||
          (row.code &&
            e.entryFolder.split('/').some((s) => s === row.code || s.startsWith(`${row.code}-`) || s.startsWith(`${row.code}_`))),
      );
      if (matches.length === 1) {
        folder = matches[0].entryFolder;
        found = filesOf(folder, matches[0].files);
        claimed.add(folder);
      } else if (matches.length > 1) {
        problems.push({ path: where, message: `有 ${matches.length} 个文件夹都像是「${row.title}」，请在汇总表中填写“文件夹”列` });
      }
    }
    const key = folder ?? `${sheetName}#${row.code ?? row.title}`;
    if (keys.has(key)) {
      problems.push({ path: where, message: `与前面的行指向同一作品（${key}），此行未导入` });
      continue;
    }
    keys.add(key);
    // What the sheet leaves blank, the folder names may still tell.
    const fromFolders = layout.entries.find((e) => e.entryFolder === folder);
    entries.push({
      key,
      code: row.code,
      title: row.title,
      group: row.group ?? fromFolders?.group ?? null,
      categoryLabel: row.categoryLabel ?? fromFolders?.categoryLabel ?? null,
      authors: row.authors.length || !fromFolders ? row.authors : authorsOf(fromFolders),
      files: found,
      problems: found.length ? [] : [{ path: where, message: `未找到作品「${row.title}」的文件，已导入表中信息，请补交文件` }],
      // Codes are unique within the sending unit: two provinces' C2024-0001 stay apart.
      sourceCode: row.sourceCode && (row.recommender ? `${row.recommender}/${row.sourceCode}` : row.sourceCode),
      sourceResult: (row.sourceCode && sheet.results?.get(row.sourceCode)) || null,
      unitClues: {
        ...folderClues(fromFolders, folder ?? ''),
        sheetUnit: row.authors[0]?.unit ?? null,
        county: row.recommender ?? row.authors[0]?.county ?? null,
      },
    });
  }
  for (const e of layout.entries) {
    if (!claimed.has(e.entryFolder)) problems.push({ path: e.entryFolder, message: '作品文件夹未列入汇总表，未导入' });
  }
  return { entries, problems };
}
