import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('specialties', 'text').execute();

  await withId(db, db.schema.createTable('panels'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('group_name', 'text')
    .addUniqueConstraint('panels_contest_name', ['contest_id', 'name'])
    .execute();

  await db.schema
    .createTable('panel_members')
    .addColumn('panel_id', 'integer', (c) => c.notNull().references('panels.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('panel_members_pk', ['panel_id', 'user_id'])
    .execute();

  await withId(db, db.schema.createTable('assignments'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('expert_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('assignments_entry_expert', ['entry_id', 'expert_id'])
    .execute();
  await db.schema.createIndex('assignments_expert').on('assignments').columns(['expert_id', 'status']).execute();
  await db.schema.createIndex('assignments_contest').on('assignments').columns(['contest_id', 'status']).execute();

  await withId(db, db.schema.createTable('reviews'))
    .addColumn('assignment_id', 'integer', (c) => c.notNull().unique().references('assignments.id').onDelete('cascade'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('expert_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scores_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('total', 'double precision')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('return_reason', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .execute();
  await db.schema.createIndex('reviews_contest_entry').on('reviews').columns(['contest_id', 'entry_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['reviews', 'assignments', 'panel_members', 'panels']) await db.schema.dropTable(t).execute();
  await db.schema.alterTable('users').dropColumn('specialties').execute();
}
