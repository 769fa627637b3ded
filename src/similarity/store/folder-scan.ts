import { cutRate } from '../rate-format.ts';
import { type Dirent, readdirSync } from 'node:fs';
import path from 'node:path';
import { WORD_EXTS } from '../../ingest/extract/formats.ts';
import { groupIntoEntries, junkReason } from '../../ingest/layout.ts';
import { SimilarityCorpus, type SimilarityResult } from '../index.ts';
import { prepareFolderSuspects, type ScanSuspect } from '../../suspects/store/folder.ts';
import type { SimilarityOptions } from '../types.ts';
import { inChunks } from '../../util/chunks.ts';
import { buildKgramIndexOnThreads } from '../../workers/kgram-index.ts';
import { siblingModule, WorkerPool } from '../../workers/pool.ts';
import { suspectThread } from '../../workers/suspects.ts';
import type { PrepareFile, PrepareRequest, PrepareResponse } from './prepare-worker.ts';

/**
 * The standalone scan: every document under a folder (and library folders) read, compared,
 * and reported with paths relative to the folder. This is the edge that touches files; the
 * comparison is the pure engine's.
 */

/** Extensions of the documents a scan reads: Word's formats as extraction knows them (.wps from WPS Office, .rtf, .odt), PDF and text. */
const SCANNED_EXTENSIONS = new Set([...WORD_EXTS, 'pdf', 'txt'].map((ext) => `.${ext}`));

export interface FolderScanRequest {
  folder: string;
  libraries?: string[];
  templates?: string[];
  options?: Partial<SimilarityOptions>;
  /** Called after each document is read. */
  onProgress?: (done: number, total: number) => void;
}

export interface ScanDocument {
  path: string;
  category: string | null;
  countable: number;
  templateChars: number;
  duplicateChars: number;
  rate: number;
  rateExcludingQuotes: number;
  maxSourceRate: number;
  flagged: boolean;
  sources: { path: string; library: boolean; sharedChars: number }[];
}

export interface ScanPair {
  a: string;
  b: string;
  aShared: number;
  bShared: number;
  crossProject: boolean;
  spans: [number, number, number, number][];
}

export interface ScanReport {
  params: {
    folder: string;
    libraries: string[];
    templates: string[];
    threshold: number;
    minMatch: number;
    commonMinShare: number;
    commonMinEntries: number;
  };
  /** Entries, highest rate first. */
  documents: ScanDocument[];
  /** Pairs, most shared first; spans are UTF-16 offsets in each document's extracted text. */
  pairs: ScanPair[];
  common: { text: string; entries: number; documents: string[] }[];
  errors: { path: string; message: string }[];
  /**
   * 一稿多投 / 相似主题 suspects between entries (a, b: entry folders), highest score first.
   * Folder scans always give them; contest scans (--contest) do not yet.
   */
  suspects?: ScanSuspect[];
}

/** The report (the JSON the issue specifies) and the 一稿多投 suspects among its pairs. */
export interface FolderScan {
  report: ScanReport;
  /** Cross-project pairs sharing at least half of either document. */
  suspects: ScanPair[];
}

/**
 * A folder scan done but for its 一稿多投 / 相似主题 suspects, still being found on their thread while
 * the report is written (`report.suspects` is unset): the writers take them last.
 */
export interface FolderScanInProgress {
  scan: FolderScan;
  entrySuspects: Promise<ScanSuspect[]>;
}

/** Thrown when an argument (folder, library or template) cannot be used at all. */
export class ScanInputError extends Error {}

const toSlash = (p: string): string => p.split(path.sep).join('/');
// cut, not rounded: a report never shows an unflagged document at the limit
const round = (x: number): number => cutRate(x, 4);

const isScanned = (rel: string): boolean => SCANNED_EXTENSIONS.has(path.extname(rel).toLowerCase());

/**
 * Everything under a folder, read synchronously: this is the command line's scan, with nothing else
 * to serve. A 10,000-entry tree takes 0.30 s so, 0.56 s with a promised readdir per folder, and 1.6 s
 * with Node 20's promised recursive readdir.
 */
function walk(dir: string): Dirent[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const all = [...entries];
  for (const e of entries) if (e.isDirectory()) for (const nested of walk(path.join(dir, e.name))) all.push(nested);
  return all;
}

/** Every file under a folder (relative, `/`-separated), system and lock files left out. */
async function listFiles(root: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = walk(root);
  } catch {
    throw new ScanInputError(`无法读取文件夹：${root}`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const rel = toSlash(path.relative(root, path.join(entry.parentPath, entry.name)));
    if (junkReason(rel)) continue;
    files.push(rel);
  }
  return files.sort();
}

/**
 * Texts of the template files. Text extraction loads every document library (a fifth of a second):
 * this thread loads it only when templates are given, the workers read the documents.
 */
async function readTemplates(files: readonly string[]): Promise<string[]> {
  if (!files.length) return [];
  const { readDocument } = await import('./read-document.ts');
  const texts: string[] = [];
  for (const t of files) {
    const read = await readDocument(path.resolve(t));
    if ('error' in read) throw new ScanInputError(`无法读取模板文件 ${t}：${read.error}`);
    texts.push(read.text);
  }
  return texts;
}

/** Files read and prepared per task of a worker thread. */
const BATCH = 32;

export async function scanFolder(request: FolderScanRequest): Promise<FolderScanInProgress> {
  const folder = path.resolve(request.folder);
  const libraries = (request.libraries ?? []).map((l) => path.resolve(l));
  const templates = await readTemplates(request.templates ?? []);

  const inLibrary = (abs: string): boolean => libraries.some((l) => abs === l || abs.startsWith(l + path.sep));
  const allEntryFiles = (await listFiles(folder)).filter((rel) => !inLibrary(path.join(folder, rel)));
  const entryFiles = allEntryFiles.filter(isScanned);
  const libraryFiles: string[] = [];
  for (const lib of libraries) for (const rel of (await listFiles(lib)).filter(isScanned)) libraryFiles.push(path.join(lib, rel));

  const corpus = new SimilarityCorpus(request.options, templates);
  const errors: ScanReport['errors'] = [];
  const texts = new Map<string, string>();
  const files: PrepareFile[] = [
    ...entryFiles.map((rel) => ({ file: path.join(folder, rel), id: rel, library: false })),
    ...libraryFiles.map((abs) => ({ file: abs, id: toSlash(path.relative(folder, abs)), library: true })),
  ];
  // read and prepared on every core, added in order (the result does not depend on the threads)
  const pool = new WorkerPool<PrepareRequest, PrepareResponse>(siblingModule(import.meta.url, './prepare-worker'));
  // the 一稿多投 thread starts while the documents are read, its word segmenter loaded by the time it is given them
  const suspectsThread = suspectThread({ warm: true });
  let done = 0;
  let layout: ReturnType<typeof groupIntoEntries>;
  try {
    const batches = inChunks(files, BATCH).map((batch) =>
      pool.run({ options: request.options ?? {}, templates, files: batch }).then((prepared) => {
        done += batch.length;
        request.onProgress?.(done, files.length);
        return prepared;
      }),
    );
    // a failed batch fails the scan when its turn comes, not as an unhandled rejection before
    for (const b of batches) b.catch(() => undefined);
    // entries and their category (the 参赛项目 level of the official layout), read by the importer's own rules
    // from every file while the threads read the documents
    layout = groupIntoEntries(allEntryFiles);
    const category = new Map<string, string | null>();
    for (const entry of layout.entries) for (const f of entry.files) category.set(f, entry.categoryLabel);
    for (const batch of batches) {
      for (const r of await batch) {
        if ('error' in r) errors.push({ path: r.id, message: r.error });
        else {
          corpus.addPrepared({ ...r.prepared, category: category.get(r.id) ?? null });
          if (!r.prepared.library) texts.set(r.id, r.prepared.text);
        }
      }
    }
  } catch (err) {
    await suspectsThread.close();
    throw err;
  } finally {
    await pool.close();
  }

  // 一稿多投 suspects are prepared on their thread while the engine runs here
  const suspects = await prepareFolderSuspects(folder, layout.entries, texts, suspectsThread);
  texts.clear();
  let result: SimilarityResult;
  try {
    const { docs, params } = corpus.indexInput();
    result = corpus.result(await buildKgramIndexOnThreads(docs, params));
  } catch (err) {
    await suspects.close();
    throw err;
  }
  const entrySuspects = suspects.find(result);
  // a failure fails the writer that awaits them, not the process before
  entrySuspects.catch(() => undefined);
  const { options } = result;
  const pairs = [...result.pairs]
    .sort((x, y) => y.aShared + y.bShared - (x.aShared + x.bShared))
    .map((p) => ({
      pair: { a: p.a, b: p.b, aShared: p.aShared, bShared: p.bShared, crossProject: p.crossProject, spans: p.spans },
      suspect: p.suspect,
    }));
  const report: ScanReport = {
    params: {
      folder: toSlash(request.folder),
      libraries: (request.libraries ?? []).map(toSlash),
      templates: (request.templates ?? []).map(toSlash),
      threshold: options.threshold,
      minMatch: options.minMatch,
      commonMinShare: options.commonMinShare,
      commonMinEntries: options.commonMinEntries,
    },
    documents: [...result.documents]
      .sort((x, y) => y.rate - x.rate || x.id.localeCompare(y.id))
      .map((d) => ({
        path: d.id,
        category: d.category,
        countable: d.countable,
        templateChars: d.templateChars,
        duplicateChars: d.duplicateChars,
        rate: round(d.rate),
        rateExcludingQuotes: round(d.rateExcludingQuotes),
        maxSourceRate: round(d.maxSourceRate),
        flagged: d.flagged,
        sources: d.sources.map((s) => ({ path: s.id, library: s.library, sharedChars: s.sharedChars })),
      })),
    pairs: pairs.map((p) => p.pair),
    common: result.common.map((c) => ({ text: c.text, entries: c.documents.length, documents: c.documents })),
    errors,
  };
  return { scan: { report, suspects: pairs.filter((p) => p.suspect).map((p) => p.pair) }, entrySuspects };
}
