import { type Command, UsageError } from '../command.ts';
import { withDb } from '../db.ts';
import type { Db } from '../../db/connect.ts';
import type { User } from '../../db/schema.ts';
import {
  createAdmin,
  findUserByUsername,
  listUsers,
  newAdminLines,
  resetPassword,
  ROLE_LABELS,
  setDisabled,
  UserInputError,
} from '../../users/accounts.ts';
import { activeSessionCounts } from '../../users/sessions.ts';
import { lockedUntil } from '../../users/throttle.ts';
import { sessionPolicyFromEnv } from '../../config.ts';

/**
 * Accounts from the command line, for the operator of the server: a new administrator, a password
 * reset, the list, disabling. Each change is audited (as done from the command line: no user).
 */

async function account(db: Db, username: string | undefined): Promise<User> {
  if (!username) throw new UsageError('缺少用户名 USER');
  const user = await findUserByUsername(db, username);
  if (!user) throw new UserInputError(`找不到用户“${username}”`);
  return user;
}

async function refusing(ctx: { json: boolean; printJson(v: unknown): void }, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof UserInputError)) throw err;
    if (ctx.json) ctx.printJson({ ok: false, error: err.message });
    else console.error(err.message);
    return 1;
  }
}

export const usersCreateAdminCommand: Command = {
  name: ['users', 'create-admin'],
  summary: {
    zh: '新建系统管理员账号，打印一次性密码（或取 CASEJURY_ADMIN_PASSWORD）',
    en: 'Create an administrator; prints a one-time password (or uses CASEJURY_ADMIN_PASSWORD)',
  },
  usage: '[--username NAME] [--json]',
  options: { username: { type: 'string' } },
  optionHelp: { 'username NAME': '用户名，默认 admin / user name, default admin' },
  async run(ctx) {
    const username = typeof ctx.values.username === 'string' ? ctx.values.username : 'admin';
    return withDb(ctx.values.db, (db) =>
      refusing(ctx, async () => {
        const admin = await createAdmin(db, username, null);
        if (ctx.json) ctx.printJson({ username: admin.username, oneTimePassword: admin.generatedPassword });
        else for (const line of newAdminLines(admin)) ctx.print(line);
        return 0;
      }),
    );
  },
};

export const usersResetPasswordCommand: Command = {
  name: ['users', 'reset-password'],
  summary: {
    zh: '重置账号密码：打印一次性密码，退出其全部登录，解除锁定',
    en: 'Reset a password: prints a one-time password, ends its sessions, lifts a lockout',
  },
  usage: 'USER [--json]',
  async run(ctx) {
    return withDb(ctx.values.db, (db) =>
      refusing(ctx, async () => {
        const user = await account(db, ctx.positionals[0]);
        const password = await resetPassword(db, user.id, null);
        if (ctx.json) ctx.printJson({ username: user.username, oneTimePassword: password });
        else {
          ctx.print(`已重置 ${user.username} 的密码（只显示这一次）：`);
          ctx.print(`  一次性密码：${password}`);
          ctx.print('该账号原有的登录已全部退出；登录后必须修改密码。');
        }
        return 0;
      }),
    );
  },
};

type AccountState = 'active' | 'disabled' | 'locked' | 'must-change-password';
const STATES: Record<AccountState, string> = { active: '正常', disabled: '已停用', locked: '已锁定', 'must-change-password': '待改密' };

export const usersListCommand: Command = {
  name: ['users', 'list'],
  summary: { zh: '列出全部账号：角色、状态、正在使用的登录数', en: 'List accounts: role, state, active sessions' },
  usage: '[--json]',
  async run(ctx) {
    return withDb(ctx.values.db, async (db) => {
      const [users, sessions] = await Promise.all([listUsers(db), activeSessionCounts(db, sessionPolicyFromEnv())]);
      const rows = users.map((u) => {
        const locked = lockedUntil(u);
        const state: AccountState = u.disabled_at
          ? 'disabled'
          : locked
            ? 'locked'
            : u.must_change_password
              ? 'must-change-password'
              : 'active';
        return {
          username: u.username,
          name: u.display_name,
          role: u.role,
          unit: u.unit,
          state,
          lockedUntil: locked?.toISOString() ?? null,
          sessions: sessions.get(u.id) ?? 0,
        };
      });
      if (ctx.json) {
        ctx.printJson(rows);
        return 0;
      }
      for (const r of rows) {
        ctx.print(`${r.username}  ${r.name}  ${ROLE_LABELS[r.role]}  ${STATES[r.state]}  登录 ${r.sessions}${r.unit ? `  ${r.unit}` : ''}`);
      }
      return 0;
    });
  },
};

const toggle = (disabled: boolean): Command => ({
  name: ['users', disabled ? 'disable' : 'enable'],
  summary: disabled
    ? { zh: '停用账号：不能再登录，正在使用的登录立即退出', en: 'Disable an account: no more logins, its sessions end' }
    : { zh: '重新启用已停用的账号', en: 'Enable a disabled account again' },
  usage: 'USER [--json]',
  async run(ctx) {
    return withDb(ctx.values.db, (db) =>
      refusing(ctx, async () => {
        const user = await account(db, ctx.positionals[0]);
        await setDisabled(db, user.id, disabled, null);
        if (ctx.json) ctx.printJson({ username: user.username, disabled });
        else ctx.print(disabled ? `已停用 ${user.username}，其全部登录已退出` : `已启用 ${user.username}`);
        return 0;
      }),
    );
  },
});

export const usersDisableCommand = toggle(true);
export const usersEnableCommand = toggle(false);
