import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { createExtractorFromFile } from 'node-unrar-js';
import yauzl from 'yauzl';
import type { ImportProblem } from './problems.ts';

export interface ArchiveLimits {
  /** Most files one archive may hold. */
  maxFiles: number;
  /** Most bytes all its files together may unpack to. */
  maxTotalBytes: number;
  /** Highest unpacked : packed ratio (per file for zip, whole archive for rar); zip bombs reach thousands. */
  maxRatio: number;
}

/** Notices allow up to 700 MB per entry; a county's whole batch can be tens of GB. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxFiles: 50_000,
  maxTotalBytes: 50 * 1024 ** 3,
  maxRatio: 200,
};

/** Small files compress far beyond any sane ratio (a page of spaces), so only larger ones are checked. */
const RATIO_CHECK_MIN_BYTES = 1024 * 1024;

/** The whole archive is refused: nothing of it is unpacked. */
export class ArchiveRefused extends Error {}

export interface UnpackResult {
  /** Unpacked files, relative to the target folder, `/`-separated. */
  files: string[];
  /** Entries that could not be unpacked (encrypted, links, damaged), each with a Chinese reason. */
  problems: ImportProblem[];
}

export type ArchiveKind = 'zip' | 'rar';

/** Decided by the first bytes, not the extension. */
export async function detectArchive(filePath: string): Promise<ArchiveKind | null> {
  const handle = await fsp.open(filePath, 'r');
  try {
    const head = Buffer.alloc(7);
    await handle.read(head, 0, 7, 0);
    if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
    if (head.subarray(0, 6).equals(Buffer.from('Rar!\x1a\x07', 'latin1'))) return 'rar';
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * A path from inside an archive made safe to join to the target folder: `\` becomes `/`,
 * `.` and empty segments go. Null when it would escape the target (zip-slip): `..` segments,
 * absolute paths, drive letters, or control characters.
 */
export function safeArchivePath(name: string): string | null {
  const unified = name.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[A-Za-z]:/.test(unified) || /[\u0000-\u001f]/.test(unified)) return null;
  const segments = unified.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  return segments.join('/');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_NAME_FLAG = 0x800;
const INFOZIP_UNICODE_PATH = 0x7075;

/**
 * Zip names carry no encoding unless flag bit 11 says UTF-8. Windows (Explorer, WinRAR,
 * 7-Zip on a Chinese system) writes GBK without the flag; macOS writes UTF-8 without it,
 * which is told apart because GBK Chinese is practically never valid UTF-8.
 */
export function decodeZipName(raw: Buffer, flags: number, extraFields: { id: number; data: Buffer }[] = []): string {
  if (flags & UTF8_NAME_FLAG) return raw.toString('utf8');
  const unicodePath = extraFields.find((f) => f.id === INFOZIP_UNICODE_PATH && f.data.length > 5 && f.data[0] === 1);
  if (unicodePath) return unicodePath.data.subarray(5).toString('utf8');
  try {
    return strictUtf8.decode(raw);
  } catch {
    return iconv.decode(raw, 'gb18030');
  }
}

const formatBytes = (n: number): string => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

interface PlannedFile<T> {
  rel: string;
  ref: T;
}

/** Checks every entry before anything is written, so a refused archive leaves no files behind. */
function checkPlan(archiveName: string, names: { rel: string | null; raw: string }[], totalBytes: number, limits: ArchiveLimits): void {
  const unsafe = names.find((n) => n.rel === null);
  if (unsafe) throw new ArchiveRefused(`压缩包「${archiveName}」中有不安全的路径「${unsafe.raw}」（指向解压目录之外），已拒绝解压`);
  if (names.length > limits.maxFiles) {
    throw new ArchiveRefused(`压缩包「${archiveName}」内文件过多（${names.length} 个，上限 ${limits.maxFiles} 个），已拒绝解压`);
  }
  if (totalBytes > limits.maxTotalBytes) {
    throw new ArchiveRefused(
      `压缩包「${archiveName}」解压后共 ${formatBytes(totalBytes)}，超过上限 ${formatBytes(limits.maxTotalBytes)}，已拒绝解压`,
    );
  }
}

function checkRatio(archiveName: string, what: string, unpacked: number, packed: number, limits: ArchiveLimits): void {
  if (unpacked < RATIO_CHECK_MIN_BYTES) return;
  const ratio = unpacked / Math.max(packed, 1);
  if (ratio > limits.maxRatio) {
    throw new ArchiveRefused(
      `压缩包「${archiveName}」中「${what}」的压缩比异常（${Math.round(ratio)}:1，上限 ${limits.maxRatio}:1），疑似压缩炸弹，已拒绝解压`,
    );
  }
}

async function unpackZip(archivePath: string, targetDir: string, limits: ArchiveLimits): Promise<UnpackResult> {
  const archiveName = path.basename(archivePath);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archivePath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch {
    throw new ArchiveRefused(`压缩包「${archiveName}」已损坏，无法打开`);
  }
  try {
    const problems: ImportProblem[] = [];
    const planned: PlannedFile<yauzl.Entry>[] = [];
    const names: { rel: string | null; raw: string }[] = [];
    let totalBytes = 0;
    for await (const entry of zip.eachEntry()) {
      const raw = decodeZipName(entry.fileNameRaw, entry.generalPurposeBitFlag, entry.extraFields);
      const rel = safeArchivePath(raw);
      if (raw.endsWith('/') || raw.endsWith('\\')) {
        if (rel === null) names.push({ rel, raw });
        continue;
      }
      names.push({ rel, raw });
      if (rel === null) continue;
      const unixMode = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (unixMode === 0o120000) {
        problems.push({ path: rel, message: '压缩包中的符号链接，未解压' });
        continue;
      }
      if (entry.isEncrypted()) {
        problems.push({ path: rel, message: '文件已加密（需要密码），无法解压' });
        continue;
      }
      checkRatio(archiveName, rel, entry.uncompressedSize, entry.compressedSize, limits);
      totalBytes += entry.uncompressedSize;
      planned.push({ rel, ref: entry });
    }
    checkPlan(archiveName, names, totalBytes, limits);

    const files: string[] = [];
    for (const { rel, ref } of planned) {
      const target = path.join(targetDir, rel);
      try {
        await fsp.mkdir(path.dirname(target), { recursive: true });
        await pipeline(await zip.openReadStreamPromise(ref), fs.createWriteStream(target));
        files.push(rel);
      } catch (err) {
        await fsp.rm(target, { force: true });
        const unsupported = /compression method/i.test((err as Error).message);
        problems.push({ path: rel, message: unsupported ? '使用了不支持的压缩方式，无法解压' : '压缩包中的此文件已损坏，无法解压' });
      }
    }
    return { files, problems };
  } finally {
    zip.close();
  }
}

async function unpackRar(archivePath: string, targetDir: string, limits: ArchiveLimits): Promise<UnpackResult> {
  const archiveName = path.basename(archivePath);
  const problems: ImportProblem[] = [];
  const planned: PlannedFile<string>[] = [];
  const names: { rel: string | null; raw: string }[] = [];
  let extractor;
  let totalBytes = 0;
  try {
    extractor = await createExtractorFromFile({ filepath: archivePath, targetPath: targetDir });
    for (const header of extractor.getFileList().fileHeaders) {
      const rel = safeArchivePath(header.name);
      names.push({ rel, raw: header.name });
      if (rel === null || header.flags.directory) continue;
      if (header.flags.encrypted) {
        problems.push({ path: rel, message: '文件已加密（需要密码），无法解压' });
        continue;
      }
      totalBytes += header.unpSize;
      planned.push({ rel, ref: header.name });
    }
  } catch (err) {
    if ((err as { reason?: string }).reason === 'ERAR_MISSING_PASSWORD') {
      throw new ArchiveRefused(`压缩包「${archiveName}」已加密（需要密码），无法解压`);
    }
    throw new ArchiveRefused(`压缩包「${archiveName}」已损坏，无法打开`);
  }
  checkPlan(archiveName, names, totalBytes, limits);
  // Solid archives compress files together, so the ratio is judged for the archive as a whole.
  checkRatio(archiveName, archiveName, totalBytes, (await fsp.stat(archivePath)).size, limits);

  const wanted = new Set(planned.map((p) => p.ref));
  const byName = new Map(planned.map((p) => [p.ref, p.rel]));
  const files: string[] = [];
  try {
    for (const file of extractor.extract({ files: (h) => wanted.has(h.name) }).files) {
      const rel = byName.get(file.fileHeader.name);
      if (rel && !file.fileHeader.flags.directory) files.push(rel);
    }
  } catch (err) {
    const failed = (err as { file?: string }).file;
    problems.push({ path: failed ? (byName.get(failed) ?? failed) : archiveName, message: 'RAR 压缩包中的文件已损坏，无法解压' });
  }
  return { files, problems };
}

/**
 * Unpacks a .zip or .rar into `targetDir` after checking every entry: unsafe paths and
 * exceeded limits refuse the whole archive (ArchiveRefused, Chinese message). Archives inside
 * are left packed; the caller decides whether to open them.
 */
export async function unpackArchive(archivePath: string, targetDir: string, limits: Partial<ArchiveLimits> = {}): Promise<UnpackResult> {
  const effective = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  const kind = await detectArchive(archivePath);
  await fsp.mkdir(targetDir, { recursive: true });
  if (kind === 'zip') return unpackZip(archivePath, targetDir, effective);
  if (kind === 'rar') return unpackRar(archivePath, targetDir, effective);
  throw new ArchiveRefused(`「${path.basename(archivePath)}」不是 ZIP 或 RAR 压缩包`);
}
