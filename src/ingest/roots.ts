import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Folders on the server an import may read: only those the operator named (CASEJURY_IMPORT_ROOTS),
 * none by default. A path is judged by where it really is, every symbolic link followed, so neither
 * `..` nor a link inside a root leads out of it; the walk of the folder itself skips links.
 */

export class ImportRootRefused extends Error {}

const inside = (real: string, root: string): boolean => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** The real path of `requested` when it lies inside one of `roots`; otherwise ImportRootRefused with a Chinese reason. */
export async function withinImportRoots(requested: string, roots: readonly string[]): Promise<string> {
  if (roots.length === 0) {
    throw new ImportRootRefused('本服务器没有开放从服务器文件夹导入（管理员未设置 CASEJURY_IMPORT_ROOTS），请上传压缩包或汇总表');
  }
  const real = await fsp.realpath(path.resolve(requested)).catch(() => null);
  if (!real) throw new ImportRootRefused(`服务器上找不到“${requested}”`);
  for (const root of roots) {
    const realRoot = await fsp.realpath(path.resolve(root)).catch(() => null);
    if (realRoot && inside(real, realRoot)) return real;
  }
  const shown = real === path.resolve(requested) ? '' : `（实际位置 ${real}）`;
  throw new ImportRootRefused(`“${requested}”${shown}不在允许导入的服务器文件夹内：${roots.join('、')}`);
}
