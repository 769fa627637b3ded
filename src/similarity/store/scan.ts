import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import { inChunks } from '../../util/chunks.ts';
import { localEngine, type ScanEngine } from './engine.ts';
import { corpusSignature, identity, listMembers, loadTexts } from './members.ts';
import { loadScanSettings } from './settings.ts';
import { pruneOldRuns, storeResult } from './results.ts';
import { type ScanSettingsSummary, scanSettingsSummary } from '../../db/columns.ts';
import type { JsonText } from '../../db/json.ts';

export interface ContestScanOptions {
  userId: number | null;
  /**
   * The engine: the server's runs on a worker thread and keeps the previous scan's prepared
   * corpus; by default it runs here and scans in full (the CLI).
   */
  engine?: ScanEngine;
  /** Called as documents are prepared, then once for the comparison and once for storing. */
  onProgress?: (done: number, total: number) => void;
}

export interface ContestScanSummary {
  runId: number;
  version: number;
  mode: 'full' | 'incremental';
  documents: number;
  libraryDocuments: number;
  /** Documents prepared in this run. */
  added: number;
  flagged: number;
  suspects: number;
  /** Engine time (preparing the added documents, comparing) and the whole run. */
  compareMs: number;
  durationMs: number;
}

/** Documents whose text is read from the database at a time. */
const READ_BATCH = 200;

/**
 * Scans a contest: its entries' documents of the ranked kinds against one another and against
 * its library, template text left out; stores the results as a new run. With a cache holding
 * the previous scan's corpus, documents added since are the only ones prepared and only their
 * pairs are aligned; the stored results are the same as a full scan's.
 */
export async function runContestScan(db: Db, contestId: number, opts: ContestScanOptions): Promise<ContestScanSummary> {
  const started = performance.now();
  const settings = await loadScanSettings(db, contestId);
  const members = await listMembers(db, contestId, settings.documentKinds);
  const identities = members.map(identity);
  const engine = opts.engine ?? localEngine();
  const { held } = await engine.start({
    contestId,
    settingsSignature: settings.signature,
    options: settings.options,
    templates: settings.templates,
    identities,
  });
  const mode = held > 0 ? 'incremental' : 'full';
  const run = await openRun(db, contestId, {
    mode,
    settings_json: scanSettingsSummary.write(settings.summary),
    settings_signature: settings.signature,
    corpus_signature: corpusSignature(members),
    user_id: opts.userId,
  });

  try {
    const todo = members.slice(held);
    const total = todo.length + 2;
    opts.onProgress?.(0, total);
    let outcome: Awaited<ReturnType<ScanEngine['finish']>>;
    try {
      let done = 0;
      for (const batch of inChunks(todo, READ_BATCH)) {
        const texts = await loadTexts(db, batch);
        await engine.add(
          contestId,
          batch.map((m) => ({ id: m.key, text: texts.get(m.key) ?? '', category: m.category, library: m.library })),
        );
        done += batch.length;
        opts.onProgress?.(done, total);
      }
      outcome = await engine.finish(contestId);
    } catch (err) {
      await engine.abort(contestId);
      throw err;
    }
    const { result, compareMs } = outcome;
    opts.onProgress?.(todo.length + 1, total);

    const byKey = new Map(members.map((m) => [m.key, m]));
    const summary = {
      documents: result.documents.length,
      library_documents: members.length - result.documents.length,
      added_documents: todo.length,
      flagged: result.documents.filter((d) => d.flagged).length,
      suspects: result.pairs.filter((p) => p.suspect).length,
      compare_ms: Math.round(compareMs),
    };
    await storeResult(db, run.id, result, byKey);
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('similarity_runs')
        .set({ ...summary, status: 'done', error: null, duration_ms: Math.round(performance.now() - started), finished_at: nowIso() })
        .where('id', '=', run.id)
        .execute();
      await audit(trx, {
        userId: opts.userId,
        contestId,
        action: 'similarity.scan',
        subjectType: 'similarity_run',
        subjectId: run.id,
        newValue: {
          version: run.version,
          mode,
          documents: summary.documents,
          library: summary.library_documents,
          flagged: summary.flagged,
          suspects: summary.suspects,
        },
      });
      await pruneOldRuns(trx, contestId);
    });
    opts.onProgress?.(total, total);
    return {
      runId: run.id,
      version: run.version,
      mode,
      documents: summary.documents,
      libraryDocuments: summary.library_documents,
      added: summary.added_documents,
      flagged: summary.flagged,
      suspects: summary.suspects,
      compareMs: summary.compare_ms,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    await db
      .updateTable('similarity_runs')
      .set({ status: 'failed', error: err instanceof Error ? err.message : String(err), finished_at: nowIso() })
      .where('id', '=', run.id)
      .execute();
    throw err;
  }
}

interface RunFields {
  mode: 'full' | 'incremental';
  settings_json: JsonText<ScanSettingsSummary>;
  settings_signature: string;
  corpus_signature: string;
  user_id: number | null;
}

/** A process that dies mid-scan leaves its run 'running'; a run that still finishes sets its own status again. */
const INTERRUPTED = '查重未完成：进程在查重过程中退出';

/** A new run row, numbered after the contest's last one. */
async function openRun(db: Db, contestId: number, fields: RunFields): Promise<{ id: number; version: number }> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('similarity_runs')
      .set({ status: 'failed', error: INTERRUPTED })
      .where('contest_id', '=', contestId)
      .where('status', '=', 'running')
      .execute();
    const last = await trx
      .selectFrom('similarity_runs')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const { id } = await trx
      .insertInto('similarity_runs')
      .values({
        contest_id: contestId,
        version,
        status: 'running',
        ...fields,
        documents: 0,
        library_documents: 0,
        added_documents: 0,
        flagged: 0,
        suspects: 0,
        compare_ms: null,
        duration_ms: null,
        error: null,
        started_at: nowIso(),
        finished_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, version };
  });
}
