import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

/**
 * Recommendation stages between levels. Units: the tree of submitting units (市 → 区县 / 开发区 / 市管学校 →
 * 学校) each entry belongs to. Intake: whether an entry is in the contest, held for a decision (逾期, over its
 * unit's quota, its unit choosing) or refused; the stable code it carried from the level below (a package
 * imported twice changes nothing). Intake decisions: the organizer's choices on quotas and late entries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('units'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('units.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('aliases', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('units_contest').on('units').columns(['contest_id', 'parent_id']).execute();

  await db.schema
    .alterTable('entries')
    .addColumn('unit_id', 'integer', (c) => c.references('units.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('entries').addColumn('unit_label', 'text').execute();
  await db.schema.alterTable('entries').addColumn('source_code', 'text').execute();
  await db.schema.alterTable('entries').addColumn('source_score', 'double precision').execute();
  await db.schema.alterTable('entries').addColumn('source_result', 'text').execute();
  await db.schema
    .alterTable('entries')
    .addColumn('intake', 'text', (c) => c.notNull().defaultTo('admitted'))
    .execute();
  await db.schema
    .alterTable('entries')
    .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('entries')
    .addColumn('picked', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('entries_contest_unit').on('entries').columns(['contest_id', 'unit_id']).execute();
  await db.schema.createIndex('entries_contest_source_code').on('entries').columns(['contest_id', 'source_code']).execute();

  await db.schema
    .alterTable('import_batches')
    .addColumn('unit_id', 'integer', (c) => c.references('units.id').onDelete('set null'))
    .execute();

  await withId(db, db.schema.createTable('intake_decisions'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.references('entries.id').onDelete('cascade'))
    .addColumn('quota', 'text')
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reason', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('intake_decisions_contest').on('intake_decisions').columns(['contest_id', 'unit_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('intake_decisions').execute();
  await db.schema.alterTable('import_batches').dropColumn('unit_id').execute();
  await db.schema.dropIndex('entries_contest_source_code').execute();
  await db.schema.dropIndex('entries_contest_unit').execute();
  for (const c of ['picked', 'late', 'intake', 'source_result', 'source_score', 'source_code', 'unit_label', 'unit_id']) {
    await db.schema.alterTable('entries').dropColumn(c).execute();
  }
  await db.schema.dropTable('units').execute();
}
