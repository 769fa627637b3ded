import { audit } from '../audit/log.ts';
import { type Db, nowIso } from '../db/connect.ts';
import type { MemberRole, Role } from '../db/schema.ts';
import { findUserByUsername } from '../users/accounts.ts';

/**
 * Contest membership: which accounts work on which contest. Administrators reach every contest
 * without being members; an organizer account reaches only its contests. Adding and removing
 * members is for administrators (web and CLI) and is audited.
 */

export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = { organizer: '组织者' };

/** The account kinds that may hold each member role. */
const ACCOUNT_ROLES: Record<MemberRole, readonly Role[]> = { organizer: ['organizer'] };

export class MembershipError extends Error {}

export interface ContestMember {
  userId: number;
  username: string;
  displayName: string;
  unit: string | null;
  role: MemberRole;
  createdAt: string;
}

/** The user's role in the contest, or undefined when not a member (one primary-key lookup: every contest page asks). */
export async function memberRole(db: Db, contestId: number, userId: number): Promise<MemberRole | undefined> {
  const row = await db
    .selectFrom('contest_members')
    .select('role')
    .where('contest_id', '=', contestId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

export async function listMembers(db: Db, contestId: number): Promise<ContestMember[]> {
  const rows = await db
    .selectFrom('contest_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.unit', 'm.role', 'm.created_at'])
    .where('m.contest_id', '=', contestId)
    .orderBy('u.username')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    username: r.username,
    displayName: r.display_name,
    unit: r.unit,
    role: r.role,
    createdAt: r.created_at,
  }));
}

/** The contests the user is a member of, and as what. */
export async function contestsOfMember(db: Db, userId: number): Promise<{ id: number; name: string; role: MemberRole }[]> {
  return db
    .selectFrom('contest_members as m')
    .innerJoin('contests as c', 'c.id', 'm.contest_id')
    .select(['c.id', 'c.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('c.id')
    .execute();
}

async function requireUser(db: Db, username: string) {
  const user = await findUserByUsername(db, username.trim());
  if (!user) throw new MembershipError(`找不到用户“${username}”`);
  return user;
}

/** Makes the account a member of the contest (or changes its role there); refuses account kinds that cannot hold the role. */
export async function addMember(db: Db, contestId: number, username: string, role: MemberRole, actorId: number | null): Promise<void> {
  const user = await requireUser(db, username);
  if (!ACCOUNT_ROLES[role].includes(user.role)) {
    throw new MembershipError(`用户“${user.username}”不是组织者账号，不能成为竞赛的${MEMBER_ROLE_LABELS[role]}`);
  }
  await db.transaction().execute(async (trx) => {
    const contest = await trx.selectFrom('contests').select('id').where('id', '=', contestId).executeTakeFirst();
    if (!contest) throw new MembershipError(`找不到编号为 ${contestId} 的竞赛`);
    const existing = await trx
      .selectFrom('contest_members')
      .select('role')
      .where('contest_id', '=', contestId)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (existing?.role === role) return;
    if (existing) {
      await trx.updateTable('contest_members').set({ role }).where('contest_id', '=', contestId).where('user_id', '=', user.id).execute();
    } else {
      await trx
        .insertInto('contest_members')
        .values({ contest_id: contestId, user_id: user.id, role, created_at: nowIso(), created_by: actorId })
        .execute();
    }
    await audit(trx, {
      userId: actorId,
      contestId,
      action: 'contest.member_add',
      subjectType: 'user',
      subjectId: user.id,
      oldValue: existing?.role,
      newValue: { username: user.username, role },
    });
  });
}

/** Ends the account's membership of the contest; false when it was not a member. */
export async function removeMember(db: Db, contestId: number, username: string, actorId: number | null): Promise<boolean> {
  const user = await requireUser(db, username);
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('contest_members')
      .where('contest_id', '=', contestId)
      .where('user_id', '=', user.id)
      .returning('role')
      .executeTakeFirst();
    if (!removed) return false;
    await audit(trx, {
      userId: actorId,
      contestId,
      action: 'contest.member_remove',
      subjectType: 'user',
      subjectId: user.id,
      oldValue: { username: user.username, role: removed.role },
    });
    return true;
  });
}
