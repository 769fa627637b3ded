import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The organizer's decisions on 一稿多投 / 相似主题 suspects (a pair of entries, a < b by id);
  // the latest one per pair is in force. The evidence is kept as it was when decided.
  await withId(db, db.schema.createTable('suspect_decisions'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('entry_a', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('entry_b', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('withdrawn_entry_id', 'integer', (c) => c.references('entries.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('reasons_json', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('suspect_decisions_pair').on('suspect_decisions').columns(['contest_id', 'entry_a', 'entry_b']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('suspect_decisions').execute();
}
