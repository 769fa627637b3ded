import type { CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

/** An auto-incrementing integer primary key named `id`, spelled the way each database wants it. */
export function withId<DB>(db: Kysely<DB>, table: CreateTableBuilder<string, never>) {
  return dialectOf(db) === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
