import { type Selectable, sql } from 'kysely';
import type { Db, QueryRow } from '../../db/connect.ts';
import type { EntryStatus, SimilarityPairsTable, SimilarityRun } from '../../db/schema.ts';
import { inChunks } from '../../util/chunks.ts';
import type { DocumentReport, SourceShare as EngineSourceShare, PairReport } from '../types.ts';
import { corpusSignature, listMembers, parseKey } from './members.ts';
import { loadScanSettings, type ScanSettings } from './settings.ts';
import { commonDocuments, pairSpans, reportSources } from '../../db/columns.ts';

/** Reads of stored scan results, for the pages and the CLI. */

export const latestRun = (db: Db, contestId: number): Promise<SimilarityRun | undefined> =>
  db
    .selectFrom('similarity_runs')
    .selectAll()
    .where('contest_id', '=', contestId)
    .where('status', '=', 'done')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();

export const getRun = (db: Db, contestId: number, runId: number): Promise<SimilarityRun | undefined> =>
  db.selectFrom('similarity_runs').selectAll().where('contest_id', '=', contestId).where('id', '=', runId).executeTakeFirst();

/** The latest runs, newest first, whatever their status. */
export const listRuns = (db: Db, contestId: number, limit = 10): Promise<SimilarityRun[]> =>
  db.selectFrom('similarity_runs').selectAll().where('contest_id', '=', contestId).orderBy('version', 'desc').limit(limit).execute();

/** A document of a scan as the pages name it. */
export interface DocInfo {
  key: string;
  library: boolean;
  /** `编号 标题` of the entry, or the library document's name. */
  label: string;
  entryId: number | null;
  fileId: number | null;
  code: string | null;
  title: string | null;
  /** The file's name, or the library document's. */
  fileName: string;
  category: string | null;
  status: EntryStatus | null;
  /** False when the file or library document has been deleted since. */
  exists: boolean;
}

export async function describeDocuments(db: Db, keys: Iterable<string>): Promise<Map<string, DocInfo>> {
  const parsed = [...new Set(keys)].map((key) => ({ key, ...parseKey(key) }));
  const info = new Map<string, DocInfo>();
  for (const part of inChunks(
    parsed.filter((p) => !p.library).map((p) => p.id),
    500,
  )) {
    const rows = await db
      .selectFrom('files as f')
      .innerJoin('entries as e', 'e.id', 'f.entry_id')
      .leftJoin('categories as c', 'c.id', 'e.category_id')
      .select(['f.id', 'f.name', 'e.id as entryId', 'e.code', 'e.title', 'e.status', 'c.name as category', 'e.category_label'])
      .where('f.id', 'in', part)
      .execute();
    for (const r of rows) {
      info.set(`f${r.id}`, {
        key: `f${r.id}`,
        library: false,
        label: `${r.code} ${r.title}`,
        entryId: r.entryId,
        fileId: r.id,
        code: r.code,
        title: r.title,
        fileName: r.name,
        category: r.category ?? r.category_label,
        status: r.status,
        exists: true,
      });
    }
  }
  for (const part of inChunks(
    parsed.filter((p) => p.library).map((p) => p.id),
    500,
  )) {
    for (const r of await db.selectFrom('similarity_library').select(['id', 'name']).where('id', 'in', part).execute()) {
      info.set(`l${r.id}`, {
        key: `l${r.id}`,
        library: true,
        label: r.name,
        entryId: null,
        fileId: null,
        code: null,
        title: null,
        fileName: r.name,
        category: null,
        status: null,
        exists: true,
      });
    }
  }
  for (const p of parsed) {
    if (info.has(p.key)) continue;
    const label = p.library ? `（已删除的比对库文档 ${p.id}）` : `（已删除的文件 ${p.id}）`;
    info.set(p.key, {
      key: p.key,
      library: p.library,
      label,
      entryId: null,
      fileId: p.library ? null : p.id,
      code: null,
      title: null,
      fileName: label,
      category: null,
      status: null,
      exists: false,
    });
  }
  return info;
}

/** A stored source share: the engine's, naming the source by the member key it was stored under. */
export type SourceShare = Omit<EngineSourceShare, 'id'> & { key: string };

/** A stored document report with the entry and file it belongs to. */
export interface ReportRow extends Omit<DocumentReport, 'id' | 'sources'> {
  id: number;
  runId: number;
  docKey: string;
  entryId: number;
  fileId: number;
  sha256: string;
  code: string;
  title: string;
  status: EntryStatus;
  fileName: string | null;
  sources: SourceShare[];
}

function reportQuery(db: Db, runId: number) {
  return db
    .selectFrom('similarity_reports as r')
    .innerJoin('entries as e', 'e.id', 'r.entry_id')
    .leftJoin('files as f', 'f.id', 'r.file_id')
    .select([
      'r.id',
      'r.run_id',
      'r.doc_key',
      'r.entry_id',
      'r.file_id',
      'r.sha256',
      'r.category',
      'r.countable',
      'r.template_chars',
      'r.duplicate_chars',
      'r.common_chars',
      'r.quoted_duplicate_chars',
      'r.rate',
      'r.rate_excluding_quotes',
      'r.max_source_rate',
      'r.flagged',
      'r.sources_json',
      'e.code',
      'e.title',
      'e.status',
      'f.name as file_name',
    ])
    .where('r.run_id', '=', runId);
}

type ReportQueryRow = QueryRow<ReturnType<typeof reportQuery>>;

const toReportRow = (r: ReportQueryRow): ReportRow => ({
  id: r.id,
  runId: r.run_id,
  docKey: r.doc_key,
  entryId: r.entry_id,
  fileId: r.file_id,
  sha256: r.sha256,
  code: r.code,
  title: r.title,
  status: r.status,
  fileName: r.file_name,
  category: r.category,
  countable: r.countable,
  templateChars: r.template_chars,
  duplicateChars: r.duplicate_chars,
  commonChars: r.common_chars,
  quotedDuplicateChars: r.quoted_duplicate_chars,
  rate: Number(r.rate),
  rateExcludingQuotes: Number(r.rate_excluding_quotes),
  maxSourceRate: Number(r.max_source_rate),
  flagged: r.flagged === 1,
  sources: reportSources.read(r.sources_json),
});

/** Entry documents of a run, highest rate first. */
export async function listReports(
  db: Db,
  runId: number,
  page: { offset: number; limit: number; flaggedOnly?: boolean },
): Promise<{ rows: ReportRow[]; total: number }> {
  let count = db
    .selectFrom('similarity_reports')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('run_id', '=', runId);
  let rows = reportQuery(db, runId);
  if (page.flaggedOnly) {
    count = count.where('flagged', '=', 1);
    rows = rows.where('r.flagged', '=', 1);
  }
  const [{ n }, found] = await Promise.all([
    count.executeTakeFirstOrThrow(),
    rows.orderBy('r.rate', 'desc').orderBy('e.code').orderBy('r.id').offset(page.offset).limit(page.limit).execute(),
  ]);
  return { rows: found.map(toReportRow), total: Number(n) };
}

/** The reports of a run for the given document keys. */
export async function reportsByKey(db: Db, runId: number, keys: string[]): Promise<Map<string, ReportRow>> {
  const map = new Map<string, ReportRow>();
  for (const part of inChunks([...new Set(keys)], 500))
    for (const r of await reportQuery(db, runId).where('r.doc_key', 'in', part).execute()) map.set(r.doc_key, toReportRow(r));
  return map;
}

/** The highest 重复率 of each entry's documents in a run. */
export async function entryRates(db: Db, runId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('similarity_reports')
    .select(['entry_id', (eb) => eb.fn.max('rate').as('rate')])
    .where('run_id', '=', runId)
    .groupBy('entry_id')
    .execute();
  return new Map(rows.map((r) => [r.entry_id, Number(r.rate)]));
}

/** Every entry document's rate in a run (for the histogram). */
export async function runRates(db: Db, runId: number): Promise<number[]> {
  return (await db.selectFrom('similarity_reports').select('rate').where('run_id', '=', runId).execute()).map((r) => Number(r.rate));
}

/** A stored pair of a run, naming its documents by the member keys they were stored under. */
export interface PairRow extends Omit<PairReport, 'a' | 'b' | 'normalizedSpans'> {
  id: number;
  runId: number;
  aKey: string;
  bKey: string;
}

const toPairRow = (p: Selectable<SimilarityPairsTable>): PairRow => ({
  id: p.id,
  runId: p.run_id,
  aKey: p.a_key,
  bKey: p.b_key,
  aShared: p.a_shared,
  bShared: p.b_shared,
  aLibrary: p.a_library === 1,
  bLibrary: p.b_library === 1,
  crossProject: p.cross_project === 1,
  suspect: p.suspect === 1,
  spans: pairSpans.read(p.spans_json),
});

/** Pairs of a run, most shared first: all, the cross-project ones, or those of one document. */
export async function listPairs(
  db: Db,
  runId: number,
  filter: { crossProjectOnly?: boolean; suspect?: boolean; key?: string; limit?: number } = {},
): Promise<PairRow[]> {
  let q = db.selectFrom('similarity_pairs').selectAll().where('run_id', '=', runId);
  if (filter.crossProjectOnly) q = q.where('cross_project', '=', 1);
  if (filter.suspect !== undefined) q = q.where('suspect', '=', filter.suspect ? 1 : 0);
  if (filter.key) {
    const key = filter.key;
    q = q.where((eb) => eb.or([eb('a_key', '=', key), eb('b_key', '=', key)]));
  }
  q = q.orderBy('suspect', 'desc').orderBy(sql`a_shared + b_shared`, 'desc').orderBy('id');
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(toPairRow);
}

/** How many pairs of a run pass the filter. */
export async function countPairs(db: Db, runId: number, filter: { crossProjectOnly?: boolean; suspect?: boolean } = {}): Promise<number> {
  let q = db
    .selectFrom('similarity_pairs')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('run_id', '=', runId);
  if (filter.crossProjectOnly) q = q.where('cross_project', '=', 1);
  if (filter.suspect !== undefined) q = q.where('suspect', '=', filter.suspect ? 1 : 0);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function getPair(db: Db, pairId: number): Promise<PairRow | undefined> {
  const row = await db.selectFrom('similarity_pairs').selectAll().where('id', '=', pairId).executeTakeFirst();
  return row ? toPairRow(row) : undefined;
}

export interface CommonRow {
  id: number;
  text: string;
  entries: number;
  documents: string[];
}

/** Common passages of a run (most widely shared first), or those one document holds; a page of them with offset and limit. */
export async function listCommon(
  db: Db,
  runId: number,
  filter: { key?: string; offset?: number; limit?: number } = {},
): Promise<CommonRow[]> {
  let q = db.selectFrom('similarity_common').select(['id', 'text', 'entries', 'documents_json']).where('run_id', '=', runId);
  // keys are quoted in the JSON list, so `"f1"` does not match "f12"
  if (filter.key) q = q.where(sql.ref<string>('documents_json'), 'like', `%"${filter.key}"%`);
  q = q.orderBy('entries', 'desc').orderBy('id');
  if (filter.limit !== undefined) q = q.offset(filter.offset ?? 0).limit(filter.limit);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, text: r.text, entries: r.entries, documents: commonDocuments.read(r.documents_json) }));
}

/** The text a document had when it was scanned, or null when it has changed or gone since. */
export async function scannedText(db: Db, key: string, sha256: string | null): Promise<string | null> {
  const { library, id } = parseKey(key);
  if (library) {
    const row = await db.selectFrom('similarity_library').select('text').where('id', '=', id).executeTakeFirst();
    return row?.text ?? null;
  }
  const row = await db.selectFrom('files').select(['text', 'sha256']).where('id', '=', id).executeTakeFirst();
  return row && row.sha256 === sha256 ? row.text : null;
}

/** How the contest's documents and settings now compare with a run's. */
export interface Freshness {
  settings: ScanSettings['summary'];
  /** Entry documents and library documents a scan now would compare. */
  documents: number;
  library: number;
  upToDate: boolean;
  settingsChanged: boolean;
  /** Entry documents new, changed or gone since the run. */
  added: number;
  changed: number;
  removed: number;
  /** The corpus changed otherwise: library documents, or entries moved between categories. */
  otherChanges: boolean;
}

export async function freshness(db: Db, contestId: number, run: SimilarityRun | undefined): Promise<Freshness> {
  const settings = await loadScanSettings(db, contestId);
  const members = await listMembers(db, contestId, settings.documentKinds);
  const entries = members.filter((m) => !m.library);
  const base = { settings: settings.summary, documents: entries.length, library: members.length - entries.length };
  if (!run) return { ...base, upToDate: false, settingsChanged: false, added: entries.length, changed: 0, removed: 0, otherChanges: false };
  const settingsChanged = run.settings_signature !== settings.signature;
  const corpusChanged = run.corpus_signature !== corpusSignature(members);
  let added = 0;
  let changed = 0;
  let removed = 0;
  if (corpusChanged) {
    const scanned = new Map(
      (await db.selectFrom('similarity_reports').select(['doc_key', 'sha256']).where('run_id', '=', run.id).execute()).map((r) => [
        r.doc_key,
        r.sha256,
      ]),
    );
    for (const m of entries) {
      const sha = scanned.get(m.key);
      if (sha === undefined) added++;
      else if (sha !== m.sha256) changed++;
      scanned.delete(m.key);
    }
    removed = scanned.size;
  }
  return {
    ...base,
    upToDate: !settingsChanged && !corpusChanged,
    settingsChanged,
    added,
    changed,
    removed,
    otherChanges: corpusChanged && added + changed + removed === 0,
  };
}

/** How many common passages a run found. */
export async function countCommon(db: Db, runId: number): Promise<number> {
  const { n } = await db
    .selectFrom('similarity_common')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return Number(n);
}
