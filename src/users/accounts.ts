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

/** The user's own new password: every session of the account ends (the caller signs the browser in again). */
export async function setPassword(db: Db, userId: number, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: 0, failed_logins: 0, locked_until: null })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await audit(trx, { userId, contestId: null, action: 'user.password_change', subjectType: 'user', subjectId: userId });
  });
}

/**
 * An administrator's reset (web or command line): a new one-time password, to be replaced at the
 * next login; the account's sessions end and any lockout is lifted. Returns the password, shown once.
 */
export async function resetPassword(db: Db, userId: number, actorId: number | null): Promise<string> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: 1, failed_logins: 0, locked_until: null })
      .where('id', '=', userId)
      .execute();
    const ended = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    await audit(trx, {
      userId: actorId,
      contestId: null,
      action: 'user.password_reset',
      subjectType: 'user',
      subjectId: userId,
      newValue: { sessionsEnded: Number(ended.numDeletedRows) },
    });
  });
  return password;
}

/** Disables (or enables again) an account; a disabled account's sessions end at once. The last enabled administrator stays. */
export async function setDisabled(db: Db, userId: number, disabled: boolean, actorId: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['username', 'role', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
    if (!user) throw new UserInputError(`找不到编号为 ${userId} 的用户`);
    if (disabled && user.role === 'admin') {
      const { n } = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .where('id', '!=', userId)
        .executeTakeFirstOrThrow();
      if (Number(n) === 0) throw new UserInputError(`“${user.username}”是唯一可用的系统管理员账号，不能停用`);
    }
    await trx
      .updateTable('users')
      .set({ disabled_at: disabled ? nowIso() : null })
      .where('id', '=', userId)
      .execute();
    if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await audit(trx, {
      userId: actorId,
      contestId: null,
      action: disabled ? 'user.disable' : 'user.enable',
      subjectType: 'user',
      subjectId: userId,
      oldValue: { disabledAt: user.disabled_at },
    });
  });
}

/**
 * Ends sessions of the account, audited: all of them (an administrator's 全部退出), all but the
 * browser's own (`keep`), or one (`only`). Returns how many ended.
 */
export async function endSessions(
  db: Db,
  userId: number,
  actorId: number | null,
  which: { keep?: number | null; only?: number } = {},
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let query = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (which.only !== undefined) query = query.where('id', '=', which.only);
    else if (which.keep !== undefined && which.keep !== null) query = query.where('id', '!=', which.keep);
    const ended = Number((await query.executeTakeFirst()).numDeletedRows);
    if (ended) {
      await audit(trx, {
        userId: actorId,
        contestId: null,
        action: 'user.sessions_end',
        subjectType: 'user',
        subjectId: userId,
        newValue: { ended, ...which },
      });
    }
    return ended;
  });
}

export interface FirstAdmin {
  username: string;
  /** Only set when the password was generated here: the caller prints it once. */
  generatedPassword: string | null;
}

/**
 * Creates an administrator with CASEJURY_ADMIN_PASSWORD or a generated one-time password; either way
 * it must be changed at first login. Throws UserInputError when the name is taken or the password weak.
 */
export async function createAdmin(
  db: Db,
  username: string,
  actorId: number | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FirstAdmin> {
  const given = env.CASEJURY_ADMIN_PASSWORD;
  const password = given || generatePassword();
  await createUser(db, { username, displayName: '系统管理员', role: 'admin', password, mustChangePassword: true }, actorId);
  return { username, generatedPassword: given ? null : password };
}

/** On an empty install (`npm start`, `npm run demo`), creates the administrator `admin` (see createAdmin). Null when users exist. */
export async function ensureFirstAdmin(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<FirstAdmin | null> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  try {
    return await createAdmin(db, 'admin', null, env);
  } catch (err) {
    // Another instance starting on the same empty database created it first.
    if (await findUserByUsername(db, 'admin')) return null;
    throw err;
  }
}

/** What to print about a new administrator: the one-time password exactly once, or where the password came from. */
export function newAdminLines(admin: FirstAdmin): string[] {
  if (!admin.generatedPassword) {
    return [`已创建管理员账号 ${admin.username}，密码取自环境变量 CASEJURY_ADMIN_PASSWORD；首次登录后必须修改密码。`];
  }
  return [
    '已创建管理员账号（只显示这一次，请妥善保存）：',
    `  用户名：${admin.username}`,
    `  一次性密码：${admin.generatedPassword}`,
    '首次登录后必须修改密码。',
  ];
}
