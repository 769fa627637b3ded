import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The latest automatic check of each entry (形式审查), replaced on every run.
  await withId(db, db.schema.createTable('eligibility_results'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().unique().references('entries.id').onDelete('cascade'))
    .addColumn('checks_json', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('fail_count', 'integer', (c) => c.notNull())
    .addColumn('warn_count', 'integer', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('eligibility_results_contest').on('eligibility_results').columns(['contest_id', 'verdict']).execute();

  // Every organizer decision (通过 / 退回修改 / 取消资格) with its reason; the latest one per entry is in force.
  await withId(db, db.schema.createTable('eligibility_decisions'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('previous_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('eligibility_decisions_entry').on('eligibility_decisions').columns(['contest_id', 'entry_id']).execute();

  // 往届获奖名单 the organizer uploaded, matched against entries by title and authors.
  await withId(db, db.schema.createTable('prior_awards'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('authors', 'text', (c) => c.notNull())
    .addColumn('unit', 'text')
    .addColumn('year', 'text')
    .addColumn('award', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('prior_awards_contest').on('prior_awards').column('contest_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['prior_awards', 'eligibility_decisions', 'eligibility_results']) await db.schema.dropTable(t).execute();
}
