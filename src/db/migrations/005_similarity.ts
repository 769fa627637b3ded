import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Documents compared against but never ranked (role 'library': earlier years, references) and
  // templates whose text is not counted (role 'template': the notice, the official forms).
  await withId(db, db.schema.createTable('similarity_library'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('similarity_library_contest_role_sha', ['contest_id', 'role', 'sha256'])
    .execute();

  // One row per scan of a contest; `version` counts them per contest.
  await withId(db, db.schema.createTable('similarity_runs'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('settings_signature', 'text', (c) => c.notNull())
    .addColumn('corpus_signature', 'text', (c) => c.notNull())
    .addColumn('documents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('library_documents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('added_documents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suspects', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('compare_ms', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('error', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('similarity_runs_contest_version', ['contest_id', 'version'])
    .execute();

  // Per run: each entry document's report. file_id has no foreign key: a report outlives a re-import.
  await withId(db, db.schema.createTable('similarity_reports'))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('similarity_runs.id').onDelete('cascade'))
    .addColumn('doc_key', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('file_id', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('countable', 'integer', (c) => c.notNull())
    .addColumn('template_chars', 'integer', (c) => c.notNull())
    .addColumn('duplicate_chars', 'integer', (c) => c.notNull())
    .addColumn('common_chars', 'integer', (c) => c.notNull())
    .addColumn('quoted_duplicate_chars', 'integer', (c) => c.notNull())
    .addColumn('rate', 'double precision', (c) => c.notNull())
    .addColumn('rate_excluding_quotes', 'double precision', (c) => c.notNull())
    .addColumn('max_source_rate', 'double precision', (c) => c.notNull())
    .addColumn('flagged', 'integer', (c) => c.notNull())
    .addColumn('sources_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('similarity_reports_run_rate').on('similarity_reports').columns(['run_id', 'rate']).execute();
  await db.schema.createIndex('similarity_reports_run_file').on('similarity_reports').columns(['run_id', 'file_id']).execute();

  // Per run: pairs of documents sharing text, spans in offsets of each document's extracted text.
  await withId(db, db.schema.createTable('similarity_pairs'))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('similarity_runs.id').onDelete('cascade'))
    .addColumn('a_key', 'text', (c) => c.notNull())
    .addColumn('b_key', 'text', (c) => c.notNull())
    .addColumn('a_shared', 'integer', (c) => c.notNull())
    .addColumn('b_shared', 'integer', (c) => c.notNull())
    .addColumn('a_library', 'integer', (c) => c.notNull())
    .addColumn('b_library', 'integer', (c) => c.notNull())
    .addColumn('cross_project', 'integer', (c) => c.notNull())
    .addColumn('suspect', 'integer', (c) => c.notNull())
    .addColumn('spans_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('similarity_pairs_run_a').on('similarity_pairs').columns(['run_id', 'a_key']).execute();
  await db.schema.createIndex('similarity_pairs_run_b').on('similarity_pairs').columns(['run_id', 'b_key']).execute();

  // Per run: common text (passages shared by many entries).
  await withId(db, db.schema.createTable('similarity_common'))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('similarity_runs.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('entries', 'integer', (c) => c.notNull())
    .addColumn('documents_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('similarity_common_run').on('similarity_common').column('run_id').execute();

  // Common passages the organizer decided are not duplication: treated as template text from the next scan on.
  await withId(db, db.schema.createTable('similarity_exclusions'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('similarity_exclusions_contest').on('similarity_exclusions').column('contest_id').execute();

  // The organizer's decision on a flagged entry (取消资格 / 保留), with its reason.
  await withId(db, db.schema.createTable('similarity_decisions'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('run_id', 'integer', (c) => c.references('similarity_runs.id').onDelete('set null'))
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('rate', 'double precision')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('similarity_decisions_entry').on('similarity_decisions').columns(['contest_id', 'entry_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'similarity_decisions',
    'similarity_exclusions',
    'similarity_common',
    'similarity_pairs',
    'similarity_reports',
    'similarity_runs',
    'similarity_library',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
