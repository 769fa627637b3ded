import type { Transaction } from 'kysely';
import { type Db, yieldToServer } from '../../db/connect.ts';
import type { Database } from '../../db/schema.ts';
import { inChunks } from '../../util/chunks.ts';
import type { PairReport, SimilarityResult, Span } from '../types.ts';
import type { CorpusMember } from './members.ts';
import { commonDocuments, pairSpans, reportSources } from '../../db/columns.ts';

/** Runs whose reports, pairs and common text are kept; older runs keep only their summary row. */
const KEPT_RUNS = 5;

/** A pair with the entry on side A when the other side is a library document (the pages show the entry first). */
function entryFirst(p: PairReport): PairReport {
  if (!p.aLibrary || p.bLibrary) return p;
  return {
    ...p,
    a: p.b,
    b: p.a,
    aShared: p.bShared,
    bShared: p.aShared,
    aLibrary: false,
    bLibrary: true,
    spans: p.spans.map(([as, ae, bs, be]): Span => [bs, be, as, ae]),
    normalizedSpans: p.normalizedSpans.map(([as, ae, bs, be]): Span => [bs, be, as, ae]),
  };
}

/**
 * Writes a run's results: one report per entry document, the pairs with their spans, the common
 * passages. Each batch of rows is its own short write, so a large scan never holds the database's
 * write lock for long (experts save meanwhile): the run is not 'done' until its rows are all
 * written, and no page reads a run before it is.
 */
export async function storeResult(
  trx: Db,
  runId: number,
  result: SimilarityResult,
  members: ReadonlyMap<string, CorpusMember>,
): Promise<void> {
  const entryDocument = (id: string): CorpusMember & { entryId: number } => {
    const m = members.get(id);
    // the engine ranks entry documents only, and only the documents it was given
    if (!m || m.entryId === null) throw new Error(`scan result names a document that is not an entry of the contest: ${id}`);
    return { ...m, entryId: m.entryId };
  };
  // every document checked before a row is written
  for (const d of result.documents) entryDocument(d.id);
  const reportRow = (d: SimilarityResult['documents'][number]) => {
    const m = entryDocument(d.id);
    return {
      run_id: runId,
      doc_key: d.id,
      entry_id: m.entryId,
      file_id: m.id,
      sha256: m.sha256,
      category: d.category,
      countable: d.countable,
      template_chars: d.templateChars,
      duplicate_chars: d.duplicateChars,
      common_chars: d.commonChars,
      quoted_duplicate_chars: d.quotedDuplicateChars,
      rate: d.rate,
      rate_excluding_quotes: d.rateExcludingQuotes,
      max_source_rate: d.maxSourceRate,
      flagged: d.flagged ? 1 : 0,
      sources_json: reportSources.write(d.sources.map((s) => ({ key: s.id, library: s.library, sharedChars: s.sharedChars }))),
    };
  };
  // rows made a batch at a time: making them all at once (their JSON) held the server for tens of milliseconds
  for (const documents of inChunks(result.documents, 200)) {
    await trx.insertInto('similarity_reports').values(documents.map(reportRow)).execute();
    await yieldToServer();
  }

  const pairRow = (pair: SimilarityResult['pairs'][number]) => {
    const p = entryFirst(pair);
    return {
      run_id: runId,
      a_key: p.a,
      b_key: p.b,
      a_shared: p.aShared,
      b_shared: p.bShared,
      a_library: p.aLibrary ? 1 : 0,
      b_library: p.bLibrary ? 1 : 0,
      cross_project: p.crossProject ? 1 : 0,
      suspect: p.suspect ? 1 : 0,
      spans_json: pairSpans.write(p.spans),
    };
  };
  for (const pairs of inChunks(result.pairs, 200)) {
    await trx.insertInto('similarity_pairs').values(pairs.map(pairRow)).execute();
    await yieldToServer();
  }

  const common = result.common.map((c) => ({
    run_id: runId,
    text: c.text,
    entries: c.documents.length,
    documents_json: commonDocuments.write([...c.documents].sort()),
  }));
  for (const rows of inChunks(common, 200)) {
    await trx.insertInto('similarity_common').values(rows).execute();
    await yieldToServer();
  }
}

/** Deletes the details of all but the latest KEPT_RUNS finished runs of a contest, and what failed runs left. */
export async function pruneOldRuns(trx: Transaction<Database>, contestId: number): Promise<void> {
  const old = await trx
    .selectFrom('similarity_runs')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('status', '=', 'done')
    .orderBy('version', 'desc')
    .offset(KEPT_RUNS)
    .limit(1_000_000)
    .execute();
  const failed = await trx
    .selectFrom('similarity_runs')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('status', '=', 'failed')
    .execute();
  const ids = [...old, ...failed].map((r) => r.id);
  for (const part of inChunks(ids, 500)) {
    for (const table of ['similarity_reports', 'similarity_pairs', 'similarity_common'] as const) {
      await trx.deleteFrom(table).where('run_id', 'in', part).execute();
    }
  }
}
