import type { Db } from '../db/connect.ts';
import { nowIso } from '../db/connect.ts';
import type { Role, User } from '../db/schema.ts';
import { audit } from '../audit/log.ts';
import { generatePassword, hashPassword, passwordProblem } from './passwords.ts';

export const ROLE_LABELS: Record<Role, string> = { admin: '系统管理员', organizer: '组织者', expert: '评审专家', unit: '报送单位' };

export const findUserByUsername = (db: Db, username: string): Promise<User | undefined> =>
  db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();

export const findUser = (db: Db, id: number): Promise<User | undefined> =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const listUsers = (db: Db): Promise<User[]> => db.selectFrom('users').selectAll().orderBy('id').execute();

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  unit?: string | null;
  county?: string | null;
  phone?: string | null;
  email?: string | null;
  specialties?: string | null;
  /** New accounts get a one-time password that must be replaced at first login. */
  mustChangePassword: boolean;
}

export class UserInputError extends Error {}

/** Creates an account; throws UserInputError (Chinese) when the username is taken or malformed. */
export async function createUser(db: Db, u: NewUser, actorId: number | null): Promise<number> {
  const username = u.username.trim();
  if (!/^[A-Za-z0-9_.-]{2,40}$/.test(username)) throw new UserInputError('用户名须为 2–40 位字母、数字、下划线、点或连字符');
  const problem = passwordProblem(u.password, username);
  if (problem) throw new UserInputError(problem);
  const passwordHash = await hashPassword(u.password);
  return db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (taken) throw new UserInputError(`用户名“${username}”已被使用`);
    const row = await trx
      .insertInto('users')
      .values({
        username,
        display_name: u.displayName.trim() || username,
        password_hash: passwordHash,
        role: u.role,
        unit: u.unit ?? null,
        county: u.county ?? null,
        phone: u.phone ?? null,
        email: u.email ?? null,
        specialties: u.specialties ?? null,
        must_change_password: u.mustChangePassword ? 1 : 0,
        created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, {
      userId: actorId,
      contestId: null,
      action: 'user.create',
      subjectType: 'user',
      subjectId: row.id,
      newValue: { username, role: u.role },
    });
    return row.id;
  });
}

export async function setPassword(db: Db, userId: number, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, must_change_password: 0 }).where('id', '=', userId).execute();
    await audit(trx, { userId, contestId: null, action: 'user.password_change', subjectType: 'user', subjectId: userId });
  });
}

export interface FirstAdmin {
  username: string;
  /** Only set when the password was generated here: the caller prints it once. */
  generatedPassword: string | null;
}

/**
 * On an empty install, creates the administrator `admin` with CASEJURY_ADMIN_PASSWORD or a generated
 * one-time password; either way it must be changed at first login. Returns null when users exist.
 */
export async function ensureFirstAdmin(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<FirstAdmin | null> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const given = env.CASEJURY_ADMIN_PASSWORD;
  const password = given || generatePassword();
  try {
    await createUser(db, { username: 'admin', displayName: '系统管理员', role: 'admin', password, mustChangePassword: true }, null);
  } catch (err) {
    // Another instance starting on the same empty database created it first.
    if (await findUserByUsername(db, 'admin')) return null;
    throw err;
  }
  return { username: 'admin', generatedPassword: given ? null : password };
}
