import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A contest's suspects as last detected, and a digest of what detection read: pages reuse them until an input changes.
  await db.schema
    .createTable('suspect_snapshots')
    .addColumn('contest_id', 'integer', (c) => c.primaryKey().references('contests.id').onDelete('cascade'))
    .addColumn('input_key', 'text', (c) => c.notNull())
    .addColumn('suspects_json', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('suspect_snapshots').execute();
}
