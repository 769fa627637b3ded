import type { Kysely } from 'kysely';

/**
 * Who works on which contest. An organizer account sees and changes only the contests it is a
 * member of (administrators see all). `role` names what the member does in that contest; today
 * 'organizer', and a later kind of member (a county's or school's account limited to its unit's
 * entries) adds its own role and the columns that narrow it, without touching the rows here.
 */
/** The tables this migration reads and writes, as they are at this point of the schema's history. */
interface Before012 {
  contests: { id: number; created_by: number | null };
  users: { id: number; role: string };
  contest_members: { contest_id: number; user_id: number; role: string; created_at: string; created_by: number | null };
}

export async function up(db: Kysely<Before012>): Promise<void> {
  await db.schema
    .createTable('contest_members')
    .addColumn('contest_id', 'integer', (c) => c.notNull().references('contests.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addPrimaryKeyConstraint('contest_members_pk', ['contest_id', 'user_id'])
    .execute();
  await db.schema.createIndex('contest_members_user').on('contest_members').column('user_id').execute();

  // Until now every organizer could open every contest; keep each contest with the organizer who
  // created it. Contests created by an administrator or the command line get their organizers
  // from an administrator.
  const created = await db
    .selectFrom('contests as c')
    .innerJoin('users as u', 'u.id', 'c.created_by')
    .select(['c.id as contest_id', 'u.id as user_id'])
    .where('u.role', '=', 'organizer')
    .execute();
  const now = new Date().toISOString();
  for (const row of created) {
    await db
      .insertInto('contest_members')
      .values({ contest_id: row.contest_id, user_id: row.user_id, role: 'organizer', created_at: now, created_by: null })
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contest_members').execute();
}
