import fsp from 'node:fs/promises';
import path from 'node:path';
import { archiveLimits } from '../config.ts';
import { ArchiveRefused, detectArchive, UnpackBudget, unpackArchive } from './archive.ts';
import { junkReason } from './layout.ts';
import type { ImportProblem } from './problems.ts';

/** One file of an import: where it is inside the submission, and where it is on disk. */
export interface SourceFile {
  /** Relative to the import root, `/`-separated. */
  rel: string;
  abs: string;
}

export interface ImportSource {
  files: SourceFile[];
  /** The summary sheet when the import was given one; its files are the ones beside it. */
  sheetPath: string | null;
  problems: ImportProblem[];
}

const SHEET_EXTS = /\.(xlsx|csv)$/i;
/** A 推荐汇总表 packed with its entries' folders: a recommendation package from the level below. */
const PACKAGE_SHEET = /(汇总|推荐|报送|名单)[^/]*\.(xlsx|csv)$/i;

/**
 * The summary sheet of a package (a zip holding the entries' folders and a 推荐汇总表 beside them, at its root or
 * inside one wrapping folder), or null when the archive is a plain folder of submissions.
 */
function packageSheet(files: SourceFile[]): SourceFile | null {
  const depth = (f: SourceFile) => f.rel.split('/').length;
  const top = Math.min(...files.map(depth));
  const sheets = files.filter((f) => depth(f) <= Math.max(2, top) && depth(f) === top && PACKAGE_SHEET.test(f.rel) && !junkReason(f.rel));
  return sheets.length === 1 ? sheets[0] : null;
}

async function walk(root: string, dir = root, problems: ImportProblem[] = []): Promise<SourceFile[]> {
  const found: SourceFile[] = [];
  for (const dirent of await fsp.readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, dirent.name);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    if (dirent.isSymbolicLink()) problems.push({ path: rel, message: '符号链接（快捷方式），未导入' });
    else if (dirent.isDirectory()) found.push(...(await walk(root, abs, problems)));
    else if (dirent.isFile()) found.push({ rel, abs });
  }
  return found;
}

const ARCHIVE_NAME = /\.(zip|rar)$/i;

/**
 * A root holding only archives is a folder of submissions packed by their teachers
 * (`小学+XX小学+张三.rar`, as the notices ask): each is unpacked in place of itself, into a
 * folder of the same name. An archive beside other files, or deeper inside an entry, is part
 * of a submission and stays a file.
 */
async function unpackTopLevelArchives(files: SourceFile[], workDir: string, budget: UnpackBudget, problems: ImportProblem[]) {
  const topFiles = files.filter((f) => !f.rel.includes('/') && !junkReason(f.rel));
  if (topFiles.length === 0 || !topFiles.every((f) => ARCHIVE_NAME.test(f.rel))) return files;
  const result: SourceFile[] = [];
  const topFolders = new Set(files.map((f) => f.rel.split('/')[0]));
  for (const file of files) {
    const kind = file.rel.includes('/') ? null : await detectArchive(file.abs);
    if (!kind) {
      result.push(file);
      continue;
    }
    const base = file.rel.replace(ARCHIVE_NAME, '');
    const folder = topFolders.has(base) ? `${base}（${kind}）` : base;
    const target = path.join(workDir, 'packed', folder);
    try {
      const unpacked = await unpackArchive(file.abs, target, budget.limits, budget);
      result.push(...unpacked.files.map((rel) => ({ rel: `${folder}/${rel}`, abs: path.join(target, rel) })));
      problems.push(...unpacked.problems.map((p) => ({ path: `${file.rel}/${p.path}`, message: p.message })));
    } catch (err) {
      // One teacher's damaged or oversized package is that entry's problem; a bomb refuses the import.
      if (!(err instanceof ArchiveRefused) || err.wholeImport) throw err;
      problems.push({ path: file.rel, message: err.message });
    }
  }
  return result;
}

/**
 * What an import PATH holds: a folder, a .zip or .rar (unpacked into `workDir`), or a summary
 * sheet (.xlsx/.csv) whose files are in its folder. A root archive that is refused (unsafe
 * paths, limits), or an archive inside that is a bomb or exceeds what the import may unpack
 * (`budget`, shared by all of them), throws ArchiveRefused and nothing is imported.
 */
export async function openSource(inputPath: string, workDir: string, budget = new UnpackBudget(archiveLimits())): Promise<ImportSource> {
  const name = path.basename(inputPath);
  const stat = await fsp.stat(inputPath).catch(() => null);
  if (!stat) throw new Error(`找不到要导入的路径：${inputPath}`);
  const problems: ImportProblem[] = [];
  let files: SourceFile[];
  let sheetPath: string | null = null;
  if (stat.isDirectory()) {
    files = await walk(inputPath, inputPath, problems);
  } else if (SHEET_EXTS.test(name)) {
    sheetPath = inputPath;
    const dir = path.dirname(inputPath);
    files = (await walk(dir, dir, problems)).filter((f) => f.abs !== path.resolve(inputPath));
  } else if (/\.xls$/i.test(name)) {
    throw new Error(`「${name}」是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入`);
  } else if (await detectArchive(inputPath)) {
    const root = path.join(workDir, 'root');
    const unpacked = await unpackArchive(inputPath, root, budget.limits, budget);
    files = unpacked.files.map((rel) => ({ rel, abs: path.join(root, rel) }));
    problems.push(...unpacked.problems);
    const sheet = packageSheet(files);
    if (sheet) {
      // The sheet's folder is the package's root: the entries' folders are named relative to it.
      const dir = path.posix.dirname(sheet.rel);
      const prefix = dir === '.' ? '' : `${dir}/`;
      sheetPath = sheet.abs;
      files = files.filter((f) => f !== sheet && f.rel.startsWith(prefix)).map((f) => ({ rel: f.rel.slice(prefix.length), abs: f.abs }));
    }
  } else {
    throw new Error(`无法导入「${name}」：请选择文件夹、.zip 或 .rar 压缩包、或 .xlsx/.csv 汇总表`);
  }
  files = await unpackTopLevelArchives(files, workDir, budget, problems);
  if (files.length === 0) problems.push({ path: name, message: '没有找到任何文件' });
  return { files, sheetPath, problems };
}
