import crypto from 'node:crypto';
import type { Db } from '../db/connect.ts';
import type { User } from '../db/schema.ts';

/**
 * Sessions the server knows. The browser's cookie carries a random token; the database keeps its
 * SHA-256 (a copy of the table opens no session), who it belongs to, when it was last used and
 * when it ends. A session ends when it has been idle too long, at its absolute lifetime, at logout,
 * and when the password changes, the account is disabled or an administrator signs the user out
 * everywhere. Every instance on the database sees the same sessions.
 */

export interface SessionPolicy {
  /** A session unused this long has ended. */
  idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  lifetimeMs: number;
}

/** Two hours idle (an expert reading a long case saves drafts meanwhile), twelve hours in all: one working day. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 2 * 3600_000, lifetimeMs: 12 * 3600_000 };

/** The signed-in user as every request sees it. */
export type SessionUser = Pick<User, 'id' | 'username' | 'display_name' | 'role' | 'must_change_password'>;

export interface ResumedSession {
  id: number;
  user: SessionUser;
}

export interface ActiveSession {
  id: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionClient {
  ip: string | null;
  userAgent: string | null;
}

const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * How often a session's last use is written: at most once a minute (and often enough for a short
 * idle limit), so a busy expert's saves cost one indexed read each, not a write.
 */
const touchEvery = (policy: SessionPolicy): number => Math.min(60_000, policy.idleMs / 10);

/** Starts a session for the user and returns its token, the only copy of which goes into the cookie. */
export async function startSession(
  db: Db,
  userId: number,
  client: SessionClient,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await db.transaction().execute(async (trx) => {
    // The user's ended sessions go now, so the table holds live sessions and a few recent ones.
    await trx
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('expires_at', '<=', iso(now)), eb('last_seen_at', '<=', iso(now - policy.idleMs))]))
      .execute();
    await trx
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        created_at: iso(now),
        last_seen_at: iso(now),
        expires_at: iso(now + policy.lifetimeMs),
        ip: client.ip,
        user_agent: client.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
  });
  return token;
}

/**
 * The session of a token and its user, in one indexed lookup; null (and the session deleted) when it
 * has ended: idle, past its lifetime, or its account disabled.
 */
export async function resumeSession(db: Db, token: string, policy: SessionPolicy, now = Date.now()): Promise<ResumedSession | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.last_seen_at', 's.expires_at', 'u.id as user_id', 'u.username', 'u.display_name', 'u.role'])
    .select(['u.must_change_password', 'u.disabled_at'])
    .where('s.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  const lastSeen = Date.parse(row.last_seen_at);
  if (row.disabled_at !== null || Date.parse(row.expires_at) <= now || lastSeen + policy.idleMs <= now) {
    await db.deleteFrom('sessions').where('id', '=', row.id).execute();
    return null;
  }
  if (now - lastSeen >= touchEvery(policy)) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: iso(now) })
      .where('id', '=', row.id)
      .execute();
  }
  return {
    id: row.id,
    user: {
      id: row.user_id,
      username: row.username,
      display_name: row.display_name,
      role: row.role,
      must_change_password: row.must_change_password,
    },
  };
}

/** Ends the session of a token (logout). */
export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

/** The user's sessions that have not ended, most recently used first. */
export async function activeSessions(db: Db, userId: number, policy: SessionPolicy, now = Date.now()): Promise<ActiveSession[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', iso(now))
    .where('last_seen_at', '>', iso(now - policy.idleMs))
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}

/** How many sessions each user has that have not ended. */
export async function activeSessionCounts(db: Db, policy: SessionPolicy, now = Date.now()): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('sessions')
    .select((eb) => ['user_id', eb.fn.countAll<number>().as('n')])
    .where('expires_at', '>', iso(now))
    .where('last_seen_at', '>', iso(now - policy.idleMs))
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}
