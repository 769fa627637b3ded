import { audit } from '../../audit/log.ts';
import { contestRuleSet, currentRuleVersion } from '../../contests/index.ts';
import { authorsByEntry } from '../../contests/authors.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import { type BlobStore, defaultBlobStore } from '../../storage/blobs.ts';
import { worksByFirstAuthor } from '../authors.ts';
import { checkEntry, type EntryForCheck, filesToRead } from '../entry.ts';
import type { DocxLayout } from '../format.ts';
import { docxLayoutOnThread } from '../../workers/documents.ts';
import { loadPriorAwards } from './prior-awards.ts';
import type { EntryFile } from '../types.ts';
import { inChunks } from '../../util/chunks.ts';
import { worstStatus } from '../types.ts';
import { documentProperties } from '../../db/columns.ts';
import { probeMp4 } from '../../ingest/media.ts';
import type { VideoInfo } from '../video.ts';
import { eligibilityChecks } from '../../db/columns.ts';

export interface RunOptions {
  /** Only these entries (of this contest); default: every entry not withdrawn. */
  entryIds?: number[];
  blobs?: BlobStore;
  userId?: number | null;
}

export interface RunSummary {
  checked: number;
  pass: number;
  warn: number;
  fail: number;
  checkedAt: string;
}

/** Stored files read at once (docx unzip, video headers). */
const READ_CONCURRENCY = 4;

async function mapLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const reason = (err: unknown) => ((err as NodeJS.ErrnoException).code === 'ENOENT' ? '存储中找不到该文件' : (err as Error).message);

/** The parts (notes, headers, OCR text …) of the given files, or of every file of the contest. */
async function loadParts(db: Db, contestId: number, fileIds: number[] | null): Promise<Map<number, EntryFile['parts']>> {
  const columns = ['p.file_id', 'p.kind', 'p.text', 'p.confidence'] as const;
  const rows = fileIds
    ? (
        await Promise.all(
          inChunks(fileIds, 500).map((ids) =>
            db
              .selectFrom('file_parts as p')
              .select(columns)
              .where('p.file_id', 'in', ids)
              .orderBy('p.file_id')
              .orderBy('p.position')
              .execute(),
          ),
        )
      ).flat()
    : await db
        .selectFrom('file_parts as p')
        .innerJoin('files as f', 'f.id', 'p.file_id')
        .innerJoin('entries as e', 'e.id', 'f.entry_id')
        .select(columns)
        .where('e.contest_id', '=', contestId)
        .orderBy('p.file_id')
        .orderBy('p.position')
        .execute();
  const byFile = new Map<number, EntryFile['parts']>();
  for (const r of rows) byFile.set(r.file_id, [...(byFile.get(r.file_id) ?? []), { kind: r.kind, text: r.text, confidence: r.confidence }]);
  return byFile;
}

/** Entries with their authors and files, as the checks read them. */
async function loadEntries(db: Db, contestId: number, entryIds: number[] | undefined) {
  const all = await db
    .selectFrom('entries as e')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'e.code', 'e.title', 'e.group_name', 'e.category_label', 'e.status', 'c.key as category_key'])
    .where('e.contest_id', '=', contestId)
    .where('e.status', '!=', 'withdrawn')
    .orderBy('e.code')
    .execute();
  const authors = await authorsByEntry(db, contestId);

  let targets = all;
  if (entryIds) {
    const known = new Set(all.map((e) => e.id));
    const foreign = entryIds.filter((id) => !known.has(id));
    if (foreign.length) throw new Error(`以下作品不属于本竞赛或已撤回：${foreign.join('、')}`);
    const wanted = new Set(entryIds);
    targets = all.filter((e) => wanted.has(e.id));
  }

  const fileColumns = [
    'f.id',
    'f.entry_id',
    'f.original_path',
    'f.name',
    'f.kind',
    'f.ext',
    'f.size',
    'f.sha256',
    'f.text',
    'f.html',
    'f.error',
    'f.properties_json',
  ] as const;
  const fileRows = entryIds
    ? (
        await Promise.all(
          inChunks(
            targets.map((e) => e.id),
            500,
          ).map((ids) => db.selectFrom('files as f').select(fileColumns).where('f.entry_id', 'in', ids).orderBy('f.id').execute()),
        )
      ).flat()
    : await db
        .selectFrom('files as f')
        .innerJoin('entries as e', 'e.id', 'f.entry_id')
        .select(fileColumns)
        .where('e.contest_id', '=', contestId)
        .orderBy('f.id')
        .execute();
  const parts = await loadParts(db, contestId, entryIds ? fileRows.map((f) => f.id) : null);
  const files = new Map<number, EntryFile[]>();
  for (const f of fileRows) {
    const file: EntryFile = {
      id: f.id,
      name: f.name,
      path: f.original_path,
      kind: f.kind,
      ext: f.ext,
      size: Number(f.size),
      sha256: f.sha256,
      text: f.text,
      html: f.html,
      error: f.error,
      parts: parts.get(f.id) ?? [],
      properties: f.properties_json ? documentProperties.read(f.properties_json) : null,
    };
    files.set(f.entry_id, [...(files.get(f.entry_id) ?? []), file]);
  }

  const toCheck = (e: (typeof all)[number]): EntryForCheck => ({
    id: e.id,
    code: e.code,
    title: e.title,
    groupName: e.group_name,
    categoryKey: e.category_key,
    categoryLabel: e.category_label,
    authors: authors.get(e.id) ?? [],
    files: files.get(e.id) ?? [],
  });

  // 每人限报: count the works of each first author over the whole category, not only the entries being checked.
  const firstAuthorWorks = new Map<string, Map<string, string[]>>();
  const byCategory = new Map<string, typeof all>();
  for (const e of all)
    if (e.category_key && e.status !== 'disqualified') byCategory.set(e.category_key, [...(byCategory.get(e.category_key) ?? []), e]);
  for (const [key, entries] of byCategory)
    firstAuthorWorks.set(
      key,
      worksByFirstAuthor(entries.map((e) => ({ entryId: e.id, code: e.code, firstAuthor: authors.get(e.id)?.[0] }))),
    );

  return { targets: targets.map(toCheck), firstAuthorWorks };
}

/**
 * Runs every eligibility check of the contest's rule set on its entries (or the given ones)
 * and stores the results, one row per entry, replacing earlier runs. Stored files are read
 * only where a check needs their bytes (.docx typesetting, video headers); everything else
 * uses the text extracted at import. Entry statuses are not touched: that is the organizer's
 * decision (decide()).
 */
export async function runChecks(db: Db, contestId: number, options: RunOptions = {}): Promise<RunSummary> {
  const [ruleSet, rulesVersion] = await Promise.all([contestRuleSet(db, contestId), currentRuleVersion(db, contestId)]);
  const blobs = options.blobs ?? defaultBlobStore();
  const { targets, firstAuthorWorks } = await loadEntries(db, contestId, options.entryIds);
  const priorAwards = await loadPriorAwards(db, contestId);

  // Each stored file is read once, however many entries share it.
  const layouts = new Map<string, DocxLayout | string>();
  const videos = new Map<string, VideoInfo | string>();
  const layoutFiles = new Map<string, EntryFile>();
  const videoFiles = new Map<string, EntryFile>();
  for (const entry of targets) {
    const wanted = filesToRead(entry, ruleSet);
    for (const f of wanted.layouts) layoutFiles.set(f.sha256, f);
    for (const f of wanted.videos) videoFiles.set(f.sha256, f);
  }
  await mapLimit([...layoutFiles.keys()], READ_CONCURRENCY, async (sha) => {
    try {
      layouts.set(sha, await docxLayoutOnThread(await blobs.read(sha)));
    } catch (err) {
      layouts.set(sha, reason(err));
    }
  });
  await mapLimit([...videoFiles.keys()], READ_CONCURRENCY, async (sha) => {
    try {
      videos.set(sha, await probeMp4(blobs.path(sha)));
    } catch (err) {
      videos.set(sha, reason(err));
    }
  });

  const context = {
    ruleSet,
    firstAuthorWorks,
    priorAwards,
    layoutOf: (f: EntryFile) => layouts.get(f.sha256),
    videoOf: (f: EntryFile) => videos.get(f.sha256),
  };
  const checkedAt = nowIso();
  const rows = targets.map((entry) => {
    const checks = checkEntry(entry, context);
    return {
      contest_id: contestId,
      entry_id: entry.id,
      checks_json: eligibilityChecks.write(checks),
      verdict: worstStatus(checks.map((c) => c.status)),
      fail_count: checks.filter((c) => c.status === 'fail').length,
      warn_count: checks.filter((c) => c.status === 'warn').length,
      checked_at: checkedAt,
      rules_version: rulesVersion,
    };
  });
  const summary: RunSummary = {
    checked: rows.length,
    pass: rows.filter((r) => r.verdict === 'pass').length,
    warn: rows.filter((r) => r.verdict === 'warn').length,
    fail: rows.filter((r) => r.verdict === 'fail').length,
    checkedAt,
  };

  await db.transaction().execute(async (trx) => {
    for (const part of inChunks(rows, 500)) {
      await trx
        .deleteFrom('eligibility_results')
        .where(
          'entry_id',
          'in',
          part.map((r) => r.entry_id),
        )
        .execute();
      for (const values of inChunks(part, 100)) await trx.insertInto('eligibility_results').values(values).execute();
    }
    await audit(trx, {
      userId: options.userId ?? null,
      contestId,
      action: 'eligibility.check',
      subjectType: 'contest',
      subjectId: contestId,
      newValue: { ...summary, entries: options.entryIds ? options.entryIds.length : 'all' },
    });
  });
  return summary;
}
