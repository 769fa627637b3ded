import { type Kysely, sql } from 'kysely';
import { withId } from './helpers.ts';

/**
 * What organizers see: every import with where it came from (command line, browser, server folder, a package from
 * the level below); closing times of a contest's stages (评审 now, more stages later), for the whole contest or one
 * panel; and each reminder sent to an expert who owes reviews.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('import_batches')
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('cli'))
    .execute();
  // What people see as the source: the uploaded file's name or the folder; null: `source` itself.
  await db.schema.alterTable('import_batches').addColumn('label', 'text').execute();
  // Why an import stopped, when it did.
  await db.schema.alterTable('import_batches').addColumn('message', 'text').execute();
  await db.schema.createIndex('import_batches_contest').on('import_batches').columns(['contest_id', 'id']).execute();

  await withId(db, db.schema.createTable('deadlines'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    // A stage key of src/deadlines (judging, …).
    .addColumn('stage', 'text', (c) => c.notNull())
    // A panel's own closing time; null: the contest's.
    .addColumn('panel_id', 'integer', (c) => c.references('panels.id').onDelete('cascade'))
    // An instant, ISO-8601 in UTC; shown in Asia/Shanghai.
    .addColumn('closes_at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // One closing time per contest and stage, and one per panel and stage (NULLs are distinct in a plain unique index).
  await db.schema
    .createIndex('deadlines_contest_stage')
    .on('deadlines')
    .columns(['contest_id', 'stage'])
    .unique()
    .where(sql.ref('panel_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('deadlines_panel_stage')
    .on('deadlines')
    .columns(['contest_id', 'stage', 'panel_id'])
    .unique()
    .where(sql.ref('panel_id'), 'is not', null)
    .execute();

  await withId(db, db.schema.createTable('reminders'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('expert_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // 'email'; the .xlsx list for SMS or WeChat is downloaded, not sent.
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // Codes of the entries the message listed as owed.
    .addColumn('entries_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reminders_contest').on('reminders').columns(['contest_id', 'sent_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reminders').execute();
  await db.schema.dropTable('deadlines').execute();
  await db.schema.dropIndex('import_batches_contest').execute();
  for (const column of ['message', 'label', 'origin']) await db.schema.alterTable('import_batches').dropColumn(column).execute();
}
