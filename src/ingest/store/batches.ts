import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Database } from '../../db/schema.ts';
import type { ImportBatch } from '../../db/schema.ts';
import { tablesWorkbook } from '../../exports/workbook.ts';
import { IMPORT_ORIGINS, TERMS, type ImportOrigin } from '../../util/terms.ts';
import type { ImportProblem } from '../problems.ts';
import { shanghaiMinute } from '../../util/time.ts';

/** The 导入 history: every import of a contest, from the browser, the command line or a package, with its problems. */

export interface ImportBatchView {
  id: number;
  origin: ImportOrigin;
  /** 网页上传, 命令行 … */
  originLabel: string;
  /** What people recognise: the uploaded file's name, else the imported path. */
  source: string;
  status: ImportBatch['status'];
  /** Why it stopped, when it failed. */
  message: string | null;
  imported: number;
  skipped: number;
  problemCount: number;
  startedAt: string;
  finishedAt: string | null;
  /** Who started it; null from the command line. */
  by: string | null;
}

export interface ImportBatchDetail extends ImportBatchView {
  /** Entries the batch wrote or found unchanged. */
  entries: number;
  problems: ImportProblem[];
}

const originOf = (o: string): ImportOrigin => (o in IMPORT_ORIGINS ? (o as ImportOrigin) : 'cli');

/** Problems a page lists; all of them are in the .xlsx download. */
const LISTED_PROBLEMS = 2000;

/** A batch's problems (the first `limit`: the import's own, then each entry's in the order they were found) and how many it has. */
export async function batchProblems(
  db: Db | Transaction<Database>,
  batchId: number,
  limit?: number,
): Promise<{ errors: ImportProblem[]; errorCount: number }> {
  let query = db
    .selectFrom('import_problems')
    .select(['path', 'message'])
    .where('batch_id', '=', batchId)
    .orderBy(sql`CASE WHEN entry_key IS NULL THEN 0 ELSE 1 END`)
    .orderBy('id');
  if (limit !== undefined) query = query.limit(limit);
  const [errors, { n }] = await Promise.all([
    query.execute(),
    db
      .selectFrom('import_problems')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow(),
  ]);
  return { errors, errorCount: Number(n) };
}

function view(b: ImportBatch & { by: string | null; problemsSoFar: number | string | bigint | null }): ImportBatchView {
  const origin = originOf(b.origin);
  return {
    id: b.id,
    origin,
    originLabel: IMPORT_ORIGINS[origin],
    source: b.label ?? b.source,
    status: b.status,
    message: b.message,
    imported: b.imported,
    skipped: b.skipped,
    // A running batch has not counted its problems yet.
    problemCount: b.status === 'running' ? Number(b.problemsSoFar) : b.error_count,
    startedAt: b.started_at,
    finishedAt: b.finished_at,
    by: b.by,
  };
}

const batches = (db: Db, contestId: number) =>
  db
    .selectFrom('import_batches as b')
    .leftJoin('users as u', 'u.id', 'b.user_id')
    .selectAll('b')
    .select('u.display_name as by')
    .select((eb) =>
      eb
        .selectFrom('import_problems as p')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('p.batch_id', '=', 'b.id')
        .as('problemsSoFar'),
    )
    .where('b.contest_id', '=', contestId);

/** The contest's imports, newest first. */
export async function listImportBatches(db: Db, contestId: number, limit = 100): Promise<ImportBatchView[]> {
  const rows = await batches(db, contestId).orderBy('b.id', 'desc').limit(limit).execute();
  return rows.map(view);
}

/** One import with its problems, or null when it is not the contest's. */
export async function importBatchDetail(db: Db, contestId: number, batchId: number): Promise<ImportBatchDetail | null> {
  const row = await batches(db, contestId).where('b.id', '=', batchId).executeTakeFirst();
  if (!row) return null;
  const { n } = await db
    .selectFrom('import_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('batch_id', '=', batchId)
    .executeTakeFirstOrThrow();
  const { errors, errorCount } = await batchProblems(db, batchId, LISTED_PROBLEMS);
  return { ...view(row), entries: Number(n), problems: errors, problemCount: errorCount };
}

/** 导入问题清单: every problem of one import, or of all the contest's imports, as a workbook. */
export async function importProblemsWorkbook(db: Db, contestId: number, batchId?: number): Promise<Buffer> {
  let query = batches(db, contestId).orderBy('b.id');
  if (batchId !== undefined) query = query.where('b.id', '=', batchId);
  const rows = await Promise.all(
    (await query.execute()).map(async (b) => ({ ...view(b), problems: (await batchProblems(db, b.id)).errors })),
  );
  return tablesWorkbook(
    [
      {
        name: TERMS.importProblems,
        columns: [
          { header: '批次', width: 6 },
          { header: '导入时间', width: 17 },
          { header: '方式', width: 10 },
          { header: '来源', width: 36, wrap: true },
          { header: '文件或表格行', width: 50, wrap: true },
          { header: '问题', width: 50, wrap: true },
        ],
        rows: rows.flatMap((b) =>
          [...(b.message ? [{ path: '（整批）', message: `导入失败：${b.message}` }] : []), ...b.problems].map((p) => [
            b.id,
            shanghaiMinute(b.startedAt),
            b.originLabel,
            b.source,
            p.path,
            p.message,
          ]),
        ),
      },
    ],
    TERMS.importProblems,
  );
}
