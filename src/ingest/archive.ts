import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { createExtractorFromFile } from 'node-unrar-js';
import yauzl from 'yauzl';
import { formatBytes } from '../util/bytes.ts';
import type { ImportProblem } from './problems.ts';

export interface ArchiveLimits {
  /** Most files one import may unpack, all its archives together. */
  maxFiles: number;
  /** Largest single unpacked file. */
  maxFileBytes: number;
  /** Most bytes one import may unpack, all its archives (nested ones included) together. */
  maxTotalBytes: number;
  /**
   * Highest unpacked : packed ratio of any file (beyond a few KiB every file may have) and of each
   * archive as a whole; documents and videos stay far below it, zip bombs reach thousands.
   */
  maxRatio: number;
}

/**
 * The notices ask for packages of at most 700 MB (videos at most 500 MB), so no file of a valid
 * entry is larger; an import's total is bounded by what is left of the contest's allowance.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxFiles: 50_000,
  maxFileBytes: 700 * 1024 ** 2,
  maxTotalBytes: 200 * 1024 ** 3,
  maxRatio: 200,
};

/** What a tiny file may unpack to whatever its ratio (a short text of spaces compresses to nothing). */
const RATIO_ALLOWANCE_BYTES = 64 * 1024;
/** Free disk space an import never uses up. */
const DISK_RESERVE_BYTES = 1024 ** 3;

/**
 * The archive is refused and nothing of it is left. `wholeImport` marks what only a bomb or a
 * batch too large for the server does (ratio, totals, file count, disk space): the import that
 * holds it is refused as a whole, not just this archive.
 */
export class ArchiveRefused extends Error {
  constructor(
    message: string,
    readonly wholeImport = false,
  ) {
    super(message);
  }
}

/**
 * What one import may still unpack, shared by its archive and the archives inside it: `bytes`
 * (by default the limits' total), and `limit` saying in Chinese what that figure is.
 */
export class UnpackBudget {
  bytesLeft: number;
  filesLeft: number;
  readonly limit: string;
  constructor(
    readonly limits: ArchiveLimits,
    readonly bytes = limits.maxTotalBytes,
    limit?: string,
  ) {
    this.bytesLeft = bytes;
    this.filesLeft = limits.maxFiles;
    this.limit = limit ?? `解压总量的上限 ${formatBytes(bytes)}`;
  }

  get bytesUsed(): number {
    return this.bytes - this.bytesLeft;
  }
}

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
  const control = [...unified].some((c) => c.charCodeAt(0) < 0x20);
  if (unified.startsWith('/') || /^[A-Za-z]:/.test(unified) || control) return null;
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

/** One file an archive says it holds, with the sizes its headers declare. */
interface PlannedFile<T> {
  rel: string;
  size: number;
  packed: number;
  ref: T;
}

/** The checks of one archive, made on what its headers declare before anything is written, and again on every byte written. */
class ArchiveCheck {
  constructor(
    readonly name: string,
    readonly budget: UnpackBudget,
  ) {}

  get limits(): ArchiveLimits {
    return this.budget.limits;
  }

  unsafe(raw: string): ArchiveRefused {
    return new ArchiveRefused(`压缩包「${this.name}」中有不安全的路径「${raw}」（指向解压目录之外），已拒绝解压`);
  }

  fileTooLarge(rel: string, size: number): ArchiveRefused {
    return new ArchiveRefused(
      `压缩包「${this.name}」中的「${rel}」解压后有 ${formatBytes(size)}，超过单个文件的上限 ${formatBytes(this.limits.maxFileBytes)}，已拒绝解压`,
    );
  }

  /** `total`: what this archive unpacks (declared, or written so far when its headers understated it). */
  tooMuch(total: number): ArchiveRefused {
    const { limit, bytesUsed } = this.budget;
    const before = bytesUsed > 0 ? `（本次导入已解压 ${formatBytes(bytesUsed)}）` : '';
    return new ArchiveRefused(`压缩包「${this.name}」解压后共 ${formatBytes(total)}，超过${limit}${before}，已拒绝解压`, true);
  }

  /** One file's ratio (`rel`), or the whole archive's. */
  ratio(unpacked: number, packed: number, rel?: string): void {
    const ratio = unpacked / Math.max(packed, 1);
    if (ratio > this.limits.maxRatio && unpacked > RATIO_ALLOWANCE_BYTES) {
      const what = rel ? `中「${rel}」` : '整体';
      throw new ArchiveRefused(
        `压缩包「${this.name}」${what}的压缩比异常（${Math.round(ratio)}:1，上限 ${this.limits.maxRatio}:1），疑似压缩炸弹，已拒绝解压`,
        true,
      );
    }
  }

  /** Every declared file and the archive as a whole, against the limits and what is left of the budget and the disk. */
  async plan(files: PlannedFile<unknown>[], archiveBytes: number, perFileRatio: boolean, targetDir: string): Promise<void> {
    if (files.length > this.budget.filesLeft) {
      const limit = this.limits.maxFiles;
      const detail =
        this.budget.filesLeft === limit ? `上限 ${limit} 个` : `本次导入还可解压 ${this.budget.filesLeft} 个，上限 ${limit} 个`;
      throw new ArchiveRefused(`压缩包「${this.name}」内文件过多（${files.length} 个，${detail}），已拒绝解压`, true);
    }
    let total = 0;
    for (const f of files) {
      if (perFileRatio) this.ratio(f.size, f.packed, f.rel);
      if (f.size > this.limits.maxFileBytes) throw this.fileTooLarge(f.rel, f.size);
      total += f.size;
    }
    // The whole archive too: many files each within the allowance must not add up to a bomb.
    this.ratio(total, archiveBytes);
    if (total > this.budget.bytesLeft) throw this.tooMuch(total);
    const { bavail, bsize } = await fsp.statfs(targetDir);
    const free = bavail * bsize;
    if (total > free - DISK_RESERVE_BYTES) {
      throw new ArchiveRefused(
        `服务器磁盘空间不足：压缩包「${this.name}」解压后共 ${formatBytes(total)}，磁盘仅剩 ${formatBytes(free)}（须保留 ${formatBytes(DISK_RESERVE_BYTES)}），已拒绝解压`,
        true,
      );
    }
    this.budget.filesLeft -= files.length;
  }

  /** Counts a chunk about to be written to `file` (which has `written` bytes so far); throws past any limit. */
  write(file: PlannedFile<unknown>, written: number, chunk: number): void {
    const size = written + chunk;
    if (size > this.limits.maxFileBytes) throw this.fileTooLarge(file.rel, size);
    // Headers that understate a file are caught here, before the extra bytes are written.
    if (size > file.size) {
      throw new ArchiveRefused(`压缩包「${this.name}」中的「${file.rel}」比压缩包记录的大小更大，文件已损坏或被篡改，已拒绝解压`, true);
    }
    if (chunk > this.budget.bytesLeft) throw this.tooMuch(this.budget.bytesUsed + chunk);
    this.budget.bytesLeft -= chunk;
  }
}

/** A pass-through that lets `check` count (and refuse) every chunk before it reaches the disk. */
function counting(check: ArchiveCheck, file: PlannedFile<unknown>): Transform {
  let written = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        check.write(file, written, chunk.length);
      } catch (err) {
        done(err as Error);
        return;
      }
      written += chunk.length;
      done(null, chunk);
    },
  });
}

async function unpackZip(archivePath: string, targetDir: string, check: ArchiveCheck): Promise<UnpackResult> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archivePath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch {
    throw new ArchiveRefused(`压缩包「${check.name}」已损坏，无法打开`);
  }
  try {
    const problems: ImportProblem[] = [];
    const planned: PlannedFile<yauzl.Entry>[] = [];
    for await (const entry of zip.eachEntry()) {
      const raw = decodeZipName(entry.fileNameRaw, entry.generalPurposeBitFlag, entry.extraFields);
      const rel = safeArchivePath(raw);
      if (rel === null) throw check.unsafe(raw);
      if (raw.endsWith('/') || raw.endsWith('\\')) continue;
      const unixMode = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (unixMode === 0o120000) {
        problems.push({ path: rel, message: '压缩包中的符号链接，未解压' });
        continue;
      }
      if (entry.isEncrypted()) {
        problems.push({ path: rel, message: '文件已加密（需要密码），无法解压' });
        continue;
      }
      planned.push({ rel, size: entry.uncompressedSize, packed: entry.compressedSize, ref: entry });
    }
    await check.plan(planned, (await fsp.stat(archivePath)).size, true, targetDir);

    const files: string[] = [];
    for (const file of planned) {
      const target = path.join(targetDir, file.rel);
      try {
        await fsp.mkdir(path.dirname(target), { recursive: true });
        await pipeline(await zip.openReadStreamPromise(file.ref), counting(check, file), fs.createWriteStream(target));
        files.push(file.rel);
      } catch (err) {
        if (err instanceof ArchiveRefused) throw err;
        await fsp.rm(target, { force: true });
        const unsupported = /compression method/i.test((err as Error).message);
        problems.push({ path: file.rel, message: unsupported ? '使用了不支持的压缩方式，无法解压' : '压缩包中的此文件已损坏，无法解压' });
      }
    }
    return { files, problems };
  } finally {
    zip.close();
  }
}

/** The part of node-unrar-js's file extractor that writes unpacked bytes (protected in its types, a plain method at run time). */
interface RarWriter {
  create(filename: string): number;
  write(fd: number, buf: number, size: number): boolean;
}

async function unpackRar(archivePath: string, targetDir: string, check: ArchiveCheck): Promise<UnpackResult> {
  const problems: ImportProblem[] = [];
  const planned: PlannedFile<string>[] = [];
  let extractor: Awaited<ReturnType<typeof createExtractorFromFile>>;
  let solid = false;
  try {
    extractor = await createExtractorFromFile({ filepath: archivePath, targetPath: targetDir });
    const list = extractor.getFileList();
    solid = list.arcHeader.flags.solid;
    for (const header of list.fileHeaders) {
      const rel = safeArchivePath(header.name);
      if (rel === null) throw check.unsafe(header.name);
      if (header.flags.directory) continue;
      if (header.flags.encrypted) {
        problems.push({ path: rel, message: '文件已加密（需要密码），无法解压' });
        continue;
      }
      planned.push({ rel, size: header.unpSize, packed: header.packSize, ref: header.name });
    }
  } catch (err) {
    if (err instanceof ArchiveRefused) throw err;
    if ((err as { reason?: string }).reason === 'ERAR_MISSING_PASSWORD') {
      throw new ArchiveRefused(`压缩包「${check.name}」已加密（需要密码），无法解压`);
    }
    throw new ArchiveRefused(`压缩包「${check.name}」已损坏，无法打开`);
  }
  // A solid archive compresses its files together: a file's own packed size says nothing, the archive's does.
  await check.plan(planned, (await fsp.stat(archivePath)).size, !solid, targetDir);

  const byName = new Map(planned.map((p) => [p.ref, p]));
  // Every chunk unrar writes is counted first; refusing one (false) stops the extraction there.
  const writer = extractor as unknown as RarWriter;
  const [create, write] = [writer.create.bind(extractor), writer.write.bind(extractor)];
  const written = new Map<number, { file: PlannedFile<string>; bytes: number }>();
  let refusal: ArchiveRefused | null = null;
  writer.create = (filename) => {
    const fd = create(filename);
    const file = byName.get(filename);
    if (file) written.set(fd, { file, bytes: 0 });
    return fd;
  };
  writer.write = (fd, buf, size) => {
    const current = written.get(fd);
    if (!current) return false;
    try {
      check.write(current.file, current.bytes, size);
    } catch (err) {
      refusal = err as ArchiveRefused;
      return false;
    }
    current.bytes += size;
    return write(fd, buf, size);
  };
  const files: string[] = [];
  try {
    for (const file of extractor.extract({ files: (h) => byName.has(h.name) }).files) {
      const rel = byName.get(file.fileHeader.name)?.rel;
      if (rel && !file.fileHeader.flags.directory) files.push(rel);
    }
  } catch (err) {
    if (refusal) throw refusal;
    const failed = (err as { file?: string }).file;
    const rel = failed ? byName.get(failed)?.rel : undefined;
    if (rel) await fsp.rm(path.join(targetDir, rel), { force: true });
    problems.push({ path: rel ?? failed ?? check.name, message: 'RAR 压缩包中的文件已损坏，无法解压' });
  }
  return { files, problems };
}

/**
 * Unpacks a .zip or .rar into `targetDir` (which it creates). Unsafe paths and crossed limits
 * refuse the whole archive with ArchiveRefused (a Chinese message naming the archive, the limit
 * and the figure), and nothing of it is left: every limit is checked on the sizes the archive
 * declares before anything is written, and on every chunk while it is written. Archives inside
 * are left packed; the caller decides whether to open them, with the same `budget`.
 */
export async function unpackArchive(
  archivePath: string,
  targetDir: string,
  limits: Partial<ArchiveLimits> = {},
  budget = new UnpackBudget({ ...DEFAULT_ARCHIVE_LIMITS, ...limits }),
): Promise<UnpackResult> {
  const kind = await detectArchive(archivePath);
  const check = new ArchiveCheck(path.basename(archivePath), budget);
  if (!kind) throw new ArchiveRefused(`「${check.name}」不是 ZIP 或 RAR 压缩包`);
  await fsp.mkdir(targetDir, { recursive: true });
  try {
    return await (kind === 'zip' ? unpackZip : unpackRar)(archivePath, targetDir, check);
  } catch (err) {
    await fsp.rm(targetDir, { recursive: true, force: true });
    throw err;
  }
}
