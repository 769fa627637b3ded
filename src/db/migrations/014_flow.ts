import { type Kysely, sql } from 'kysely';
import { withId } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every saved version of a contest's rule set; contests.rules_yaml stays the current one.
  await withId(db, db.schema.createTable('rule_versions'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('yaml', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('rule_versions_contest_version', ['contest_id', 'version'])
    .execute();
  await sql`INSERT INTO rule_versions (contest_id, version, yaml, reason, user_id, created_at)
    SELECT id, 1, rules_yaml, NULL, created_by, created_at FROM contests`.execute(db);

  // A manual check (an item of the rule set's checklist) an organizer confirmed for an entry.
  await withId(db, db.schema.createTable('manual_checks'))
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entries.id').onDelete('cascade'))
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('manual_checks_entry_item', ['entry_id', 'item'])
    .execute();
  await db.schema.createIndex('manual_checks_contest').on('manual_checks').column('contest_id').execute();

  // Which version of the rule set an eligibility result was checked against.
  await db.schema.alterTable('eligibility_results').addColumn('rules_version', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('eligibility_results').dropColumn('rules_version').execute();
  await db.schema.dropTable('manual_checks').execute();
  await db.schema.dropTable('rule_versions').execute();
}
