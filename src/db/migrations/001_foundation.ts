import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('users'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('unit', 'text')
    .addColumn('county', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('contests'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rules_yaml', 'text', (c) => c.notNull())
    .addColumn('rules_source', 'text', (c) => c.notNull())
    .addColumn('blind', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('categories'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addUniqueConstraint('categories_contest_key', ['contest_id', 'key'])
    .execute();

  await withId(db, db.schema.createTable('import_batches'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  await withId(db, db.schema.createTable('entries'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('submitted'))
    .addColumn('source_path', 'text')
    .addColumn('category_label', 'text')
    .addColumn('batch_id', 'integer', (c) => c.references('import_batches.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('entries_contest_code', ['contest_id', 'code'])
    .execute();
  await db.schema.createIndex('entries_contest_category').on('entries').columns(['contest_id', 'category_id']).execute();
  await db.schema.createIndex('entries_contest_source').on('entries').columns(['contest_id', 'source_path']).execute();

  await withId(db, db.schema.createTable('authors'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text')
    .addColumn('county', 'text')
    .addColumn('title', 'text')
    .addColumn('phone', 'text')
    .addColumn('role', 'text')
    .execute();
  await db.schema.createIndex('authors_entry').on('authors').column('entry_id').execute();

  await withId(db, db.schema.createTable('files'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('original_path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ext', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime', 'text')
    .addColumn('text', 'text')
    .addColumn('html', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('files_entry_path', ['entry_id', 'original_path'])
    .execute();
  await db.schema.createIndex('files_sha256').on('files').column('sha256').execute();

  await withId(db, db.schema.createTable('import_items'))
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('import_batches.id').onDelete('cascade'))
    .addColumn('entry_key', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'integer', (c) => c.references('entries.id').onDelete('set null'))
    .addColumn('done_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('import_items_batch_key', ['batch_id', 'entry_key'])
    .execute();

  await withId(db, db.schema.createTable('audit_log'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('contest_id', 'integer')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('audit_log_contest').on('audit_log').columns(['contest_id', 'at']).execute();

  await withId(db, db.schema.createTable('jobs'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('contest_id', 'integer', (c) => c.references('contests.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text')
    .addColumn('payload_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('result_json', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'jobs',
    'audit_log',
    'import_items',
    'files',
    'authors',
    'entries',
    'import_batches',
    'categories',
    'contests',
    'users',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
