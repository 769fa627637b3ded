import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

/**
 * Sessions the server knows: the cookie carries a random token, the database its SHA-256 and what
 * ends it (idle time, an absolute lifetime, logout, a password change, a disabled account, an
 * administrator's 全部退出). Every instance on the database sees the same sessions. Accounts can be
 * disabled, and count failed logins for the per-account lockout.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('sessions'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
  await db.schema.alterTable('users').addColumn('disabled_at', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('locked_until', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['locked_until', 'failed_logins', 'disabled_at']) await db.schema.alterTable('users').dropColumn(column).execute();
  await db.schema.dropTable('sessions').execute();
}
