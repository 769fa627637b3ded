import type { Db } from '../../db/connect.ts';

/**
 * What the ids in a contest route's path belong to. Every `:param` of a route under
 * `/contests/:contestId` is named here: either an object of one contest, whose contest the
 * access guard compares with `:contestId` before the handler runs (contest B's entry under
 * contest A's address is a 404), or a plain value the handler checks itself. The app refuses to
 * start with a contest route whose parameter is in neither list, so a new route cannot forget it.
 */

type ContestOf = (db: Db, id: number) => Promise<number | undefined>;

const column =
  (
    table:
      | 'entries'
      | 'jobs'
      | 'panels'
      | 'reviews'
      | 'assignments'
      | 'similarity_exclusions'
      | 'similarity_library'
      | 'import_batches'
      | 'units',
  ): ContestOf =>
  async (db, id) =>
    (await db.selectFrom(table).select('contest_id').where('id', '=', id).executeTakeFirst())?.contest_id ?? undefined;

/** Pairs and common passages belong to a similarity run, which belongs to a contest. */
const ofRun =
  (table: 'similarity_pairs' | 'similarity_common'): ContestOf =>
  async (db, id) => {
    const run = await db.selectFrom(table).select('run_id').where('id', '=', id).executeTakeFirst();
    if (!run) return undefined;
    return (await db.selectFrom('similarity_runs').select('contest_id').where('id', '=', run.run_id).executeTakeFirst())?.contest_id;
  };

const entry = column('entries');

const file: ContestOf = async (db, id) =>
  (
    await db
      .selectFrom('files as f')
      .innerJoin('entries as e', 'e.id', 'f.entry_id')
      .select('e.contest_id')
      .where('f.id', '=', id)
      .executeTakeFirst()
  )?.contest_id;

/** Path parameters naming an object of one contest, and how to find that contest. */
export const CONTEST_OBJECTS: Readonly<Record<string, ContestOf>> = {
  entryId: entry,
  entryA: entry,
  entryB: entry,
  fileId: file,
  jobId: column('jobs'),
  batchId: column('import_batches'),
  panelId: column('panels'),
  reviewId: column('reviews'),
  assignmentId: column('assignments'),
  exclusionId: column('similarity_exclusions'),
  documentId: column('similarity_library'),
  pairId: ofRun('similarity_pairs'),
  commonId: ofRun('similarity_common'),
  unitId: column('units'),
};

/**
 * Path parameters of contest routes that are not objects of one contest: a publication's version
 * number within the contest, and an account (its panel membership is checked by the handler).
 */
export const CONTEST_PLAIN_PARAMS: ReadonlySet<string> = new Set(['contestId', 'version', 'userId']);

/** `:name` parameters of a route path. */
export const pathParams = (url: string): string[] => [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);

export const isContestRoute = (url: string): boolean => pathParams(url).includes('contestId');

/** Parameters of a contest route that are in neither list above. */
export const undeclaredParams = (url: string): string[] =>
  pathParams(url).filter((p) => !(p in CONTEST_OBJECTS) && !CONTEST_PLAIN_PARAMS.has(p));
