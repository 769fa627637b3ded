import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { withId } from './helpers.ts';

/**
 * An import's problems, one row each, written with the entry they belong to: a batch of tens of
 * thousands of bad files no longer rewrites one growing JSON list per entry. The lists stored so
 * far (import_batches.errors_json) move into the rows, in their order, and the column goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('import_problems'))
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('import_batches.id').onDelete('cascade'))
    // The entry (its key in the batch) the problem belongs to; null: the import as a whole (layout, summary sheet).
    .addColumn('entry_key', 'text')
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_problems_batch').on('import_problems').column('batch_id').execute();
  if (dialectOf(db) === 'postgres') {
    await sql`INSERT INTO import_problems (batch_id, path, message)
      SELECT b.id, p.value->>'path', p.value->>'message'
      FROM import_batches b, json_array_elements(b.errors_json::json) WITH ORDINALITY AS p(value, n)
      ORDER BY b.id, p.n`.execute(db);
  } else {
    await sql`INSERT INTO import_problems (batch_id, path, message)
      SELECT b.id, json_extract(p.value, '$.path'), json_extract(p.value, '$.message')
      FROM import_batches b, json_each(b.errors_json) p
      ORDER BY b.id, p.key`.execute(db);
  }
  await db.schema.alterTable('import_batches').dropColumn('errors_json').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('import_batches')
    .addColumn('errors_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.dropTable('import_problems').execute();
}
