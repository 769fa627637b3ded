import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

/**
 * Jobs shared by several app instances: how often a job has been claimed (a job whose instance
 * keeps dying is given up after a few attempts), and at most one running job per contest, so an
 * eligibility check queued behind an import still sees the finished import when another instance
 * picks it up.
 */
/** The columns this migration writes, as they are at this point of the schema's history. */
interface JobsBefore007 {
  jobs: { status: string; message: string | null; finished_at: string | null };
}

export async function up(db: Kysely<JobsBefore007>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Jobs left unfinished by the previous version carry payloads the new handlers cannot rebuild
  // work from (that version failed them at its next start anyway).
  await db
    .updateTable('jobs')
    .set({
      status: 'failed',
      message: '服务升级前未完成的任务已停止；重新提交同一来源会从中断处继续',
      finished_at: new Date().toISOString(),
    })
    .where('status', 'in', ['queued', 'running'])
    .execute();
  await db.schema
    .createIndex('jobs_one_running_per_contest')
    .on('jobs')
    .column('contest_id')
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();

  // 006 declared the suspect score `real`: a double in SQLite, only a 4-byte float in PostgreSQL.
  if (dialectOf(db) === 'postgres') {
    await db.schema
      .alterTable('suspect_decisions')
      .alterColumn('score', (c) => c.setDataType('double precision'))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_one_running_per_contest').execute();
  await db.schema.alterTable('jobs').dropColumn('attempts').execute();
}
