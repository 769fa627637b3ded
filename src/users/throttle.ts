import { audit } from '../audit/log.ts';
import type { Db } from '../db/connect.ts';
import type { User } from '../db/schema.ts';

/**
 * Per-account login throttling, beside the per-address limit: after LOCK_AFTER failed logins in a
 * row the account is locked for a while, longer with every further failure, against a password
 * guessed from many addresses. Browsers the account has signed in from before keep signing in
 * (src/server/auth/device.ts), so an attacker cannot lock its owner out. Kept in the users table:
 * every instance sees the same count.
 */

export const LOCK_AFTER = 5;
const FIRST_LOCK_MS = 60_000;
const LONGEST_LOCK_MS = 30 * 60_000;

/** How long the `failures`-th failure in a row locks the account: 1, 2, 4 … minutes up to half an hour. */
export function lockFor(failures: number): number {
  if (failures < LOCK_AFTER) return 0;
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - LOCK_AFTER));
}

/** Until when the account is locked, or null. */
export function lockedUntil(user: Pick<User, 'locked_until'>, now = Date.now()): Date | null {
  const until = user.locked_until ? Date.parse(user.locked_until) : 0;
  return until > now ? new Date(until) : null;
}

/** Counts a failed login of an existing account (atomically, whichever instance); locks it past LOCK_AFTER, audited. */
export async function recordFailedLogin(db: Db, userId: number, ip: string, now = Date.now()): Promise<Date | null> {
  return db.transaction().execute(async (trx) => {
    const { failed_logins: failures } = await trx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', userId)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    const ms = lockFor(failures);
    if (ms === 0) return null;
    const until = new Date(now + ms);
    await trx.updateTable('users').set({ locked_until: until.toISOString() }).where('id', '=', userId).execute();
    await audit(trx, {
      userId: null,
      contestId: null,
      action: 'auth.account_locked',
      subjectType: 'user',
      subjectId: userId,
      newValue: { failures, until: until.toISOString() },
      reason: ip,
    });
    return until;
  });
}

/** A successful login, or a password reset, clears the count and any lock. */
export async function clearFailedLogins(db: Db, userId: number): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
}
