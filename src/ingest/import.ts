import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import type { Insertable, Transaction } from 'kysely';
import { audit } from '../audit/log.ts';
import { archiveLimits, dataDir } from '../config.ts';
import { formatBytes } from '../util/bytes.ts';
import { type Db, nowIso } from '../db/connect.ts';
import type { Database, FilePartsTable, FilesTable } from '../db/schema.ts';
import { inChunks } from '../util/chunks.ts';
import { parseRuleSet } from '../rules/load.ts';
import { findGroup } from '../rules/match.ts';
import { type CategoryRules, materialsFor } from '../rules/schema.ts';
import { type BlobStore, defaultBlobStore, sha256Of, sha256OfFile } from '../storage/blobs.ts';
import { type ArchiveLimits, UnpackBudget } from './archive.ts';
import { type CategoryRef, matchCategory } from './categories.ts';
import { classifyEntryFiles, type KindPattern } from './classify.ts';
import { EXTRACT_VERSION, type ExtractResult } from './extract/index.ts';
import { ocrUnavailable } from './extract/ocr.ts';
import { countOcrWork } from './ocr-run.ts';
import type { DocumentPart, OcrStatus } from './extract/parts.ts';
import { extractTextOnThread } from '../workers/documents.ts';
import { groupIntoEntries } from './layout.ts';
import { type PlannedEntry, planFromLayout, planFromSheet } from './plan.ts';
import type { ImportProblem } from './problems.ts';
import { readSummarySheet } from './sheet.ts';
import { type ImportSource, openSource, type SourceFile } from './source.ts';
import { documentProperties } from '../db/columns.ts';
import { batchProblems } from './store/batches.ts';
import type { ImportOrigin } from '../util/terms.ts';
import { settleIntake } from '../intake/store/settle.ts';
import { matchUnit } from '../units/match.ts';
import { loadUnitTree } from '../units/store/units.ts';
import { UnitTree } from '../units/tree.ts';

export interface ImportOptions {
  userId?: number | null;
  /** Where the import comes from, for the 导入 history; default 'cli'. */
  origin?: ImportOrigin;
  /** What people see as the source (an uploaded file's name); default the path. */
  label?: string;
  /**
   * Called after each entry is committed (and once at the start), e.g. for a progress bar. Throwing stops the import;
   * re-running resumes it.
   */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  blobs?: BlobStore;
  archiveLimits?: Partial<ArchiveLimits>;
  /** The unit sending this import (a unit account's upload): its entries are placed within its subtree, or on it. */
  unitId?: number | null;
}

export interface ImportSummary {
  batchId: number;
  /** Entries created or changed. */
  imported: number;
  /** Files left out on purpose: Word lock files, macOS/Windows system files. */
  skipped: number;
  /** Entries already imported with the same content. */
  unchanged: number;
  /** Bad files, unmatched categories, unreadable rows …: where, and why in Chinese (the first LISTED_PROBLEMS of them). */
  errors: ImportProblem[];
  /** Scans and pictures of the contest waiting for OCR (runPendingOcr reads them). */
  ocrPending: number;
  /** How many problems the batch has in all (import_problems). */
  errorCount: number;
}

/** Problems an import's summary lists; all of them stay in import_problems. */
const LISTED_PROBLEMS = 2000;

/** Files up to this size are read into memory and their text extracted; larger ones (videos) are streamed. */
const IN_MEMORY_MAX_BYTES = 64 * 1024 * 1024;
/** Entries whose files are read and extracted ahead of the one being written. */
const READ_AHEAD = 6;
const DOCUMENT_EXT = /\.(docx?|wps|pdf|txt|rtf|odt)$/i;
/** Pictures worth reading by OCR: photographed forms and documents, not the photos of 支撑材料. */
const FORM_KINDS = ['信息表', '承诺书', '汇总表'];
/** Where OCR goes for the files of one import: whether it can run here (asked once), and how many scans it cannot read. */
interface OcrContext {
  unavailable: () => Promise<string | null>;
  skipped: number;
}

interface ContestCategory extends CategoryRef {
  rules: CategoryRules | null;
}

interface Vocabulary {
  categories: ContestCategory[];
  /** Naming patterns of every category's materials, for entries whose category is unknown. */
  allPatterns: KindPattern[];
  codePrefix: string;
  /** Kinds whose pictures (.jpg, .png) are read by OCR: forms and the documents the rule set compares. */
  ocrImageKinds: Set<string>;
  /** The units entries are matched against (the sending unit's subtree when one sends). */
  units: UnitTree;
  /** The sending unit, the fallback for entries matched to none of its units. */
  sender: number | null;
}

async function loadVocabulary(db: Db, contestId: number, sender: number | null): Promise<Vocabulary> {
  const contest = await db
    .selectFrom('contests')
    .select(['rules_yaml', 'rules_source', 'created_at'])
    .where('id', '=', contestId)
    .executeTakeFirst();
  if (!contest) throw new Error(`找不到编号为 ${contestId} 的竞赛`);
  const rows = await db
    .selectFrom('categories')
    .select(['id', 'key', 'name'])
    .where('contest_id', '=', contestId)
    .orderBy('sort_order')
    .execute();
  const parsed = parseRuleSet(contest.rules_yaml, contest.rules_source);
  const ruleCategories = parsed.ok ? parsed.ruleSet.categories : [];
  const categories = rows.map((row) => {
    const rules = ruleCategories.find((c) => c.key === row.key) ?? null;
    return { ...row, aliases: rules?.aliases ?? [], rules };
  });
  const allPatterns = categories.flatMap((c) => (c.rules ? patternsOf(c.rules, null) : []));
  const ocrImageKinds = new Set([...FORM_KINDS, ...(parsed.ok ? parsed.ruleSet.similarity.documentKinds : [])]);
  const tree = await loadUnitTree(db, contestId);
  if (sender !== null && !tree.byId.has(sender)) throw new Error(`报送单位（编号 ${sender}）不属于本竞赛`);
  const inScope = sender === null ? null : tree.subtree(sender);
  // A sending unit's entries can land only on it or below it.
  const units = inScope
    ? new UnitTree(tree.units.map((u) => (u.id === sender ? { ...u, parentId: null } : u)).filter((u) => inScope.has(u.id)))
    : tree;
  return { categories, allPatterns, codePrefix: `C${contest.created_at.slice(0, 4)}-`, ocrImageKinds, units, sender };
}

const patternsOf = (rules: CategoryRules, group: string | null): KindPattern[] =>
  materialsFor(rules, group).map((m) => ({ kind: m.kind, patterns: m.patterns }));

interface ExistingEntry {
  id: number;
  code: string;
  title: string;
  group_name: string | null;
  category_id: number | null;
  category_label: string | null;
  unit_id: number | null;
  authors: { name: string; unit: string | null; county: string | null; phone: string | null }[];
  files: Map<string, { id: number; sha256: string; kind: string; error: string | null; extract_version: number }>;
}

/** The stored entry a planned one is: by its 来源编号 when it carries one (a package imported again), else by its folder. */
async function loadExisting(db: Db, contestId: number, plan: PlannedEntry): Promise<ExistingEntry | null> {
  const entry = await db
    .selectFrom('entries')
    .select(['id', 'code', 'title', 'group_name', 'category_id', 'category_label', 'unit_id'])
    .where('contest_id', '=', contestId)
    .where((eb) => (plan.sourceCode ? eb('source_code', '=', plan.sourceCode) : eb('source_path', '=', plan.key)))
    .executeTakeFirst();
  if (!entry) return null;
  const [authors, files] = await Promise.all([
    db.selectFrom('authors').select(['name', 'unit', 'county', 'phone']).where('entry_id', '=', entry.id).orderBy('position').execute(),
    db
      .selectFrom('files')
      .select(['id', 'original_path', 'sha256', 'kind', 'error', 'extract_version'])
      .where('entry_id', '=', entry.id)
      .execute(),
  ]);
  return { ...entry, authors, files: new Map(files.map((f) => [f.original_path, f])) };
}

interface PreparedFile {
  rel: string;
  entryPath: string;
  name: string;
  ext: string;
  size: number;
  sha256: string;
  kind: string;
  /** Null when the stored row already has this content: nothing to extract or write. */
  content: (Omit<ExtractResult, 'ocr'> & { ocr_status: OcrStatus | null }) | null;
  /** What OCR the extraction asked for (its status is decided once the file's kind is known). */
  ocr?: ExtractResult['ocr'];
}

interface PreparedEntry {
  plan: PlannedEntry;
  existing: ExistingEntry | null;
  category: ContestCategory | null;
  groupName: string | null;
  files: PreparedFile[];
  problems: ImportProblem[];
  unit: { id: number | null; label: string | null };
}

const tooLargeToRead = (size: number) => `文件过大（${(size / 1024 ** 2).toFixed(0)} MB），未提取文字`;

/** Stores one file's bytes and extracts its text, unless the entry already has exactly this file. */
async function prepareFile(
  file: SourceFile,
  entryPath: string,
  stored: ExistingEntry['files'] | undefined,
  blobs: BlobStore,
): Promise<Omit<PreparedFile, 'kind'>> {
  const name = path.posix.basename(entryPath);
  const ext = path.posix.extname(name).slice(1).toLowerCase();
  const { size } = await fsp.stat(file.abs);
  // A file read by an older version of the extraction is read again, so its parts are filled in.
  const same = (sha256: string) => {
    const row = stored?.get(entryPath);
    return row?.sha256 === sha256 && row.extract_version === EXTRACT_VERSION;
  };
  if (size > IN_MEMORY_MAX_BYTES) {
    const sha256 = await sha256OfFile(file.abs);
    if (same(sha256)) return { rel: file.rel, entryPath, name, ext, size, sha256, content: null };
    if (!(await blobs.has(sha256))) await blobs.putFile(file.abs);
    const mime = (await fileTypeFromFile(file.abs))?.mime ?? null;
    const error = DOCUMENT_EXT.test(name) ? tooLargeToRead(size) : null;
    const content = { mime, text: null, html: null, error, parts: [], properties: null, extractor: null, ocr_status: null };
    return { rel: file.rel, entryPath, name, ext, size, sha256, content };
  }
  const data = await fsp.readFile(file.abs);
  const sha256 = sha256Of(data);
  if (same(sha256)) return { rel: file.rel, entryPath, name, ext, size, sha256, content: null };
  await blobs.put(data);
  const { ocr, ...read } = await extractTextOnThread(data, name);
  return { rel: file.rel, entryPath, name, ext, size, sha256, content: { ...keptText(read), ocr_status: null }, ocr };
}

/**
 * Characters of text kept per file: a hundred case documents' worth; more is not a case document, and would only
 * weigh on every page that reads it.
 */
const MAX_TEXT_CHARS = 1_000_000;

function keptText<T extends Pick<ExtractResult, 'text' | 'html' | 'error'>>(read: T): T {
  const { text, error } = read;
  if (text === null || text.length <= MAX_TEXT_CHARS) return read;
  return {
    ...read,
    text: text.slice(0, MAX_TEXT_CHARS),
    html: null,
    error: error ?? `文字过长（${text.length} 字，远超任何案例文档），只保留前 ${MAX_TEXT_CHARS} 字，不显示预览`,
  };
}

/** Everything about one entry that happens outside its transaction: blobs stored, text extracted. */
async function prepareEntry(
  db: Db,
  contestId: number,
  plan: PlannedEntry,
  vocabulary: Vocabulary,
  source: Map<string, SourceFile>,
  blobs: BlobStore,
  ocrContext: OcrContext,
): Promise<PreparedEntry> {
  const existing = await loadExisting(db, contestId, plan);
  const problems = [...plan.problems];
  const category =
    matchCategory(plan.categoryLabel, vocabulary.categories) ??
    (!plan.categoryLabel && vocabulary.categories.length === 1 ? vocabulary.categories[0] : null);
  if (!category) {
    problems.push({
      path: plan.key,
      message: plan.categoryLabel
        ? `参赛项目「${plan.categoryLabel}」与本竞赛的类别都对不上，已保留原名称，请人工归类`
        : '未能从文件夹或汇总表确定参赛项目（类别），请人工归类',
    });
  }
  const groupName = plan.group && category?.rules ? (findGroup(category.rules, plan.group)?.name ?? plan.group) : plan.group;
  const files: Omit<PreparedFile, 'kind'>[] = [];
  for (const f of plan.files) {
    try {
      // The plan lists the source's own files.
      const file = source.get(f.rel);
      if (!file) throw new Error('找不到该文件');
      const prepared = await prepareFile(file, f.entryPath, existing?.files, blobs);
      const error = prepared.content ? prepared.content.error : (existing?.files.get(f.entryPath)?.error ?? null);
      if (error) problems.push({ path: f.rel, message: error });
      files.push(prepared);
    } catch (err) {
      problems.push({ path: f.rel, message: `无法读取文件（${(err as NodeJS.ErrnoException).code ?? (err as Error).message}）` });
    }
  }
  const patterns = category?.rules ? patternsOf(category.rules, groupName) : vocabulary.allPatterns;
  const kinds = classifyEntryFiles(
    files.map((f) => f.entryPath),
    patterns,
  );
  const prepared = files.map((f, i) => ({ ...f, kind: kinds[i] }));
  for (const f of prepared) {
    if (!f.content || !(f.ocr === 'pdf' || (f.ocr === 'image' && vocabulary.ocrImageKinds.has(f.kind)))) continue;
    const unavailable = await ocrContext.unavailable();
    if (unavailable) ocrContext.skipped++;
    f.content.ocr_status = unavailable ? 'unavailable' : 'pending';
  }
  const matched = matchUnit(vocabulary.units, plan.unitClues);
  const unit = { id: matched.unit?.id ?? vocabulary.sender, label: matched.label };
  if (unit.id === null && vocabulary.units.units.length > 0) {
    problems.push({
      path: plan.key,
      message: `未能确定报送单位${matched.label ? `（「${matched.label}」与单位名单对不上）` : ''}，请在“单位”页人工指定`,
    });
  }
  return { plan, existing, category, groupName, files: prepared, problems, unit };
}

const partsOf = (fileId: number, parts: DocumentPart[]): Insertable<FilePartsTable>[] =>
  parts.map((p, position) => ({ file_id: fileId, position, kind: p.kind, text: p.text, confidence: p.confidence ?? null }));

async function freeCode(trx: Transaction<Database>, contestId: number, prefix: string, counter: { next: number }): Promise<string> {
  for (;;) {
    const code = `${prefix}${String(counter.next++).padStart(4, '0')}`;
    const taken = await trx
      .selectFrom('entries')
      .select('id')
      .where('contest_id', '=', contestId)
      .where('code', '=', code)
      .executeTakeFirst();
    if (!taken) return code;
  }
}

const sameAuthors = (a: ExistingEntry['authors'], b: PlannedEntry['authors']) =>
  a.length === b.length &&
  a.every((x, i) => x.name === b[i].name && x.unit === b[i].unit && x.county === b[i].county && x.phone === b[i].phone);

/**
 * Writes one prepared entry (entry, authors, files, progress marker, batch counters) in its
 * own transaction; an entry whose content is already stored only gets its progress marker.
 */
async function commitEntry(
  db: Db,
  contestId: number,
  batchId: number,
  prepared: PreparedEntry,
  codePrefix: string,
  counter: { next: number },
): Promise<void> {
  const { plan, existing, category, groupName, files, unit } = prepared;
  const problems = [...prepared.problems];
  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    const fields = { title: plan.title, group_name: groupName, category_id: category?.id ?? null, category_label: plan.categoryLabel };
    const authorsChanged = !existing || !sameAuthors(existing.authors, plan.authors);
    let changed = authorsChanged;
    let entryId: number;
    if (existing) {
      entryId = existing.id;
      if (plan.code && plan.code !== existing.code) {
        problems.push({ path: plan.key, message: `汇总表编号「${plan.code}」与已导入的编号「${existing.code}」不同，保留原编号` });
      }
      changed ||= (Object.keys(fields) as (keyof typeof fields)[]).some((k) => fields[k] !== existing[k]);
      if (authorsChanged) await trx.deleteFrom('authors').where('entry_id', '=', entryId).execute();
    } else {
      let code = plan.code;
      if (
        code &&
        (await trx.selectFrom('entries').select('id').where('contest_id', '=', contestId).where('code', '=', code).executeTakeFirst())
      ) {
        const generated = await freeCode(trx, contestId, codePrefix, counter);
        problems.push({ path: plan.key, message: `编号「${code}」已被其他作品使用，改用 ${generated}` });
        code = generated;
      }
      code ??= await freeCode(trx, contestId, codePrefix, counter);
      ({ id: entryId } = await trx
        .insertInto('entries')
        .values({
          contest_id: contestId,
          code,
          ...fields,
          status: 'submitted',
          source_path: plan.key,
          source_code: plan.sourceCode,
          source_score: plan.sourceResult?.score ?? null,
          source_result: plan.sourceResult?.summary || null,
          unit_id: unit.id,
          unit_label: unit.label,
          batch_id: batchId,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow());
    }
    if (authorsChanged && plan.authors.length) {
      await trx
        .insertInto('authors')
        .values(
          plan.authors.map((a, i) => ({
            entry_id: entryId,
            position: i + 1,
            name: a.name,
            unit: a.unit,
            county: a.county,
            phone: a.phone,
            title: null,
            role: null,
          })),
        )
        .execute();
    }

    const newRows: { row: Insertable<FilesTable>; parts: DocumentPart[] }[] = [];
    const partRows: Insertable<FilePartsTable>[] = [];
    for (const f of files) {
      const stored = existing?.files.get(f.entryPath);
      if (!f.content) {
        if (stored && stored.kind !== f.kind) {
          await trx.updateTable('files').set({ kind: f.kind }).where('id', '=', stored.id).execute();
          changed = true;
        }
        continue;
      }
      const { parts, properties, ...read } = f.content;
      const row = {
        name: f.name,
        kind: f.kind,
        ext: f.ext,
        size: f.size,
        sha256: f.sha256,
        ...read,
        properties_json: properties ? documentProperties.write(properties) : null,
        extract_version: EXTRACT_VERSION,
        created_at: now,
      };
      if (stored) {
        await trx.updateTable('files').set(row).where('id', '=', stored.id).execute();
        await trx.deleteFrom('file_parts').where('file_id', '=', stored.id).execute();
        partRows.push(...partsOf(stored.id, parts));
      } else newRows.push({ row: { entry_id: entryId, original_path: f.entryPath, ...row }, parts });
      changed = true;
    }
    if (newRows.length) {
      const ids = await trx
        .insertInto('files')
        .values(newRows.map((r) => r.row))
        .returning(['id', 'original_path'])
        .execute();
      const idOf = new Map(ids.map((r) => [r.original_path, r.id]));
      for (const r of newRows) partRows.push(...partsOf(idOf.get(r.row.original_path) ?? 0, r.parts));
    }
    for (const chunk of inChunks(partRows, 200)) await trx.insertInto('file_parts').values(chunk).execute();
    // A file gone from the submission loses its row; its bytes stay in the blob store.
    const gone = existing ? [...existing.files.keys()].filter((p) => !files.some((f) => f.entryPath === p)) : [];
    if (gone.length) {
      await trx.deleteFrom('files').where('entry_id', '=', entryId).where('original_path', 'in', gone).execute();
      changed = true;
    }
    if (existing && changed) {
      await trx
        .updateTable('entries')
        .set({ ...fields, batch_id: batchId, updated_at: now })
        .where('id', '=', entryId)
        .execute();
    }
    // A unit set by hand (or matched before) stays; an entry still without one takes what matched now.
    if (existing && existing.unit_id === null && unit.id !== null) {
      await trx.updateTable('entries').set({ unit_id: unit.id, unit_label: unit.label }).where('id', '=', entryId).execute();
    }

    await trx.insertInto('import_items').values({ batch_id: batchId, entry_key: plan.key, entry_id: entryId, done_at: now }).execute();
    if (problems.length) await insertProblems(trx, batchId, plan.key, problems);
    if (changed) {
      await trx
        .updateTable('import_batches')
        .set((eb) => ({ imported: eb('imported', '+', 1) }))
        .where('id', '=', batchId)
        .execute();
    }
  });
}

/** Problems of one entry (`entryKey`), or of the import as a whole (null). */
async function insertProblems(
  trx: Transaction<Database>,
  batchId: number,
  entryKey: string | null,
  problems: ImportProblem[],
): Promise<void> {
  // In slices: one statement's parameters are limited (SQLite 32,766).
  for (let i = 0; i < problems.length; i += 1000) {
    const rows = problems.slice(i, i + 1000).map((p) => ({ batch_id: batchId, entry_key: entryKey, path: p.path, message: p.message }));
    await trx.insertInto('import_problems').values(rows).execute();
  }
}

interface BatchOrigin {
  userId: number | null;
  origin: ImportOrigin;
  label: string | null;
  /** The unit that sent it. */
  unitId: number | null;
}

/** The unfinished batch of the same contest and source if there is one (a killed import resumes), else a new one. */
async function openBatch(db: Db, contestId: number, source: string, from: BatchOrigin): Promise<{ id: number; done: Set<string> }> {
  const unfinished = await db
    .selectFrom('import_batches')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('source', '=', source)
    .where('status', '!=', 'done')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (unfinished) {
    await db
      .updateTable('import_batches')
      .set({ status: 'running', finished_at: null, message: null })
      .where('id', '=', unfinished.id)
      .execute();
    const items = await db.selectFrom('import_items').select('entry_key').where('batch_id', '=', unfinished.id).execute();
    return { id: unfinished.id, done: new Set(items.map((i) => i.entry_key)) };
  }
  const { id } = await db
    .insertInto('import_batches')
    .values({
      contest_id: contestId,
      source,
      status: 'running',
      imported: 0,
      skipped: 0,
      error_count: 0,
      user_id: from.userId,
      origin: from.origin,
      label: from.label,
      message: null,
      unit_id: from.unitId,
      started_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, done: new Set() };
}

/** What an import into the contest may unpack: what is left of the contest's allowance (CASEJURY_CONTEST_MAX_GB). */
async function contestBudget(db: Db, contestId: number, given: Partial<ArchiveLimits> = {}): Promise<UnpackBudget> {
  const limits = { ...archiveLimits(), ...given };
  const { stored } = await db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('f.size'), eb.lit(0)).as('stored'))
    .where('e.contest_id', '=', contestId)
    .executeTakeFirstOrThrow();
  const left = Math.max(0, limits.maxTotalBytes - Number(stored));
  const limit = `本竞赛剩余的存储额度 ${formatBytes(left)}（每个竞赛上限 ${formatBytes(limits.maxTotalBytes)}，已存 ${formatBytes(Number(stored))}）`;
  return new UnpackBudget(limits, left, limit);
}

async function planEntries(source: ImportSource, vocabulary: Vocabulary) {
  const isCategory = (label: string) => matchCategory(label, vocabulary.categories) !== null;
  const layout = groupIntoEntries(
    source.files.map((f) => f.rel),
    { isCategory },
  );
  if (!source.sheetPath) {
    return { entries: planFromLayout(layout), problems: layout.unassigned, skipped: layout.skipped.length };
  }
  const sheetName = path.basename(source.sheetPath);
  const skipped = new Set(layout.skipped.map((s) => s.path));
  const kept = source.files.map((f) => f.rel).filter((rel) => !skipped.has(rel));
  const fromSheet = planFromSheet(await readSummarySheet(source.sheetPath), layout, kept, sheetName);
  return { entries: fromSheet.entries, problems: fromSheet.problems, skipped: skipped.size };
}

/** Marks a batch failed with the reason, for the 导入 history. */
const failBatch = (db: Db, batchId: number, err: unknown) =>
  db
    .updateTable('import_batches')
    .set({ status: 'failed', finished_at: nowIso(), message: err instanceof Error ? err.message : String(err) })
    .where('id', '=', batchId)
    .execute();

/**
 * Imports a folder, .zip, .rar or summary sheet into a contest. Each entry is written in its
 * own transaction after its files are stored, so a crash loses at most the entry in hand and
 * re-running the same PATH resumes the batch. Importing the same content again changes
 * nothing. One bad file never stops the batch: it is stored with its error and reported.
 */
export async function importPath(db: Db, contestId: number, inputPath: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const blobs = options.blobs ?? defaultBlobStore();
  const vocabulary = await loadVocabulary(db, contestId, options.unitId ?? null);
  const sourcePath = path.resolve(inputPath);
  const tmpRoot = path.join(dataDir(), 'tmp');
  await fsp.mkdir(tmpRoot, { recursive: true });
  const workDir = await fsp.mkdtemp(path.join(tmpRoot, 'import-'));
  try {
    // The batch is opened first, so an archive that cannot be read is in the 导入 history too, with its reason.
    const batch = await openBatch(db, contestId, sourcePath, {
      userId: options.userId ?? null,
      origin: options.origin ?? 'cli',
      label: options.label ?? null,
      unitId: options.unitId ?? null,
    });
    let planned: Awaited<ReturnType<typeof planEntries>>;
    let globalProblems: ImportProblem[];
    let files: Map<string, SourceFile>;
    try {
      const source = await openSource(sourcePath, workDir, await contestBudget(db, contestId, options.archiveLimits));
      planned = await planEntries(source, vocabulary);
      globalProblems = [...source.problems, ...planned.problems];
      files = new Map(source.files.map((f) => [f.rel, f]));
    } catch (err) {
      await failBatch(db, batch.id, err);
      throw err;
    }
    const todo = planned.entries.filter((e) => !batch.done.has(e.key));
    const total = planned.entries.length;
    let done = total - todo.length;
    const counter = { next: 1 };
    let ocrCheck: Promise<string | null> | null = null;
    const ocrContext: OcrContext = { unavailable: () => (ocrCheck ??= ocrUnavailable()), skipped: 0 };
    try {
      await options.onProgress?.(done, total);
      // Files of the next few entries are read and extracted while the current one is written,
      // always committing in plan order so generated codes follow the folder order.
      const pending: Promise<PreparedEntry>[] = [];
      const start = (i: number) => {
        const p = prepareEntry(db, contestId, todo[i], vocabulary, files, blobs, ocrContext);
        p.catch(() => {}); // awaited below; this only keeps an abandoned read-ahead from crashing the process
        pending[i] = p;
      };
      for (let i = 0; i < Math.min(READ_AHEAD, todo.length); i++) start(i);
      for (let i = 0; i < todo.length; i++) {
        const prepared = await pending[i];
        delete pending[i];
        if (i + READ_AHEAD < todo.length) start(i + READ_AHEAD);
        await commitEntry(db, contestId, batch.id, prepared, vocabulary.codePrefix, counter);
        done++;
        await options.onProgress?.(done, total);
      }
    } catch (err) {
      await failBatch(db, batch.id, err);
      throw err;
    }
    const unavailable = await ocrContext.unavailable();
    // Said once for the whole import, not once per scan: the rest of the import is unaffected.
    if (unavailable && ocrContext.skipped)
      globalProblems.push({
        path: '文字识别（OCR）',
        message: `${unavailable}：${ocrContext.skipped} 个扫描件或图片未识别文字，其余内容已正常导入；安装后再次导入即可识别`,
      });
    // Late entries are held and a unit over its quota is reported, naming the unit, its count and its quota.
    const intake = await settleIntake(db, contestId, { batchId: batch.id, userId: options.userId ?? null });
    globalProblems.push(...intake.messages);
    const summary = await finishBatch(db, contestId, batch.id, sourcePath, planned.skipped, globalProblems, options.userId ?? null);
    return { ...summary, ocrPending: unavailable ? 0 : await countOcrWork(db, contestId) };
  } finally {
    await fsp.rm(workDir, { recursive: true, force: true });
  }
}

async function finishBatch(
  db: Db,
  contestId: number,
  batchId: number,
  source: string,
  skipped: number,
  globalProblems: ImportProblem[],
  userId: number | null,
): Promise<Omit<ImportSummary, 'ocrPending'>> {
  return db.transaction().execute(async (trx) => {
    const batch = await trx.selectFrom('import_batches').select('imported').where('id', '=', batchId).executeTakeFirstOrThrow();
    const { n } = await trx
      .selectFrom('import_items')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow();
    await insertProblems(trx, batchId, null, globalProblems);
    const summary = {
      batchId,
      imported: batch.imported,
      skipped,
      unchanged: Number(n) - batch.imported,
      ...(await batchProblems(trx, batchId, LISTED_PROBLEMS)),
    };
    await trx
      .updateTable('import_batches')
      .set({ status: 'done', finished_at: nowIso(), skipped, error_count: summary.errorCount })
      .where('id', '=', batchId)
      .execute();
    await audit(trx, {
      userId,
      contestId,
      action: 'import',
      subjectType: 'import_batch',
      subjectId: batchId,
      newValue: { source, imported: summary.imported, unchanged: summary.unchanged, skipped, errors: summary.errorCount },
    });
    return summary;
  });
}
