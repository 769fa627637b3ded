import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Role, User } from '../../db/schema.ts';
import { ADMINS } from '../auth/access.ts';
import { contestsOfMember } from '../../contests/members.ts';
import {
  createUser,
  findUser,
  listUsers,
  resetPassword,
  ROLE_LABELS,
  setDisabled,
  endSessions,
  UserInputError,
} from '../../users/accounts.ts';
import { generatePassword } from '../../users/passwords.ts';
import { activeSessionCounts, activeSessions } from '../../users/sessions.ts';
import { lockedUntil } from '../../users/throttle.ts';
import { shanghaiMinute } from '../../util/time.ts';
import { notFound } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';

interface NewUserBody {
  username?: string;
  display_name?: string;
  role?: string;
  unit?: string;
}

/** Roles an administrator gives here; a unit's account is made on its contest's 单位与名额 page, bound to its unit. */
const ROLES = Object.fromEntries(Object.entries(ROLE_LABELS).filter(([role]) => role !== 'unit'));

/** 正常, 已停用, 已锁定 …: what an administrator needs to know about an account at a glance. */
function accountState(u: User): string {
  if (u.disabled_at) return '已停用';
  const locked = lockedUntil(u);
  if (locked) return `登录失败过多，锁定至 ${shanghaiMinute(locked.toISOString())}`;
  return u.must_change_password ? '待首次登录改密' : '正常';
}

/**
 * 用户管理 (administrators): list accounts, create organizers and experts with a one-time password;
 * per account its contests and signed-in browsers, 全部退出, a password reset, disabling it.
 */
export const userRoutes: FastifyPluginAsync = async (app) => {
  const render = async (
    reply: FastifyReply,
    extra: { values: NewUserBody; error: string | null; created: { username: string; password: string } | null },
    status = 200,
  ) => {
    const [users, sessions] = await Promise.all([listUsers(app.db), activeSessionCounts(app.db, app.sessionPolicy)]);
    const rows = users.map((u) => ({ ...u, state: accountState(u), sessions: sessions.get(u.id) ?? 0 }));
    return reply.page('users/index', { users: rows, roles: ROLES, ...extra }, { title: '用户管理', status });
  };

  app.get('/users', { config: { access: ADMINS } }, async (_request, reply) =>
    render(reply, { values: { role: 'organizer' }, error: null, created: null }),
  );

  app.post<{ Body: NewUserBody }>('/users', { config: { access: ADMINS } }, async (request, reply) => {
    const values = request.body ?? {};
    const role = values.role as Role;
    if (!(role in ROLES)) return render(reply, { values, error: '请选择角色', created: null }, 422);
    const password = generatePassword();
    try {
      await createUser(
        app.db,
        {
          username: String(values.username ?? ''),
          displayName: String(values.display_name ?? ''),
          role,
          unit: values.unit?.trim() || null,
          password,
          mustChangePassword: true,
        },
        request.signedIn.id,
      );
    } catch (err) {
      if (err instanceof UserInputError) return render(reply, { values, error: err.message, created: null }, 422);
      throw err;
    }
    // Shown exactly once, on this response; only its hash is stored.
    return render(reply, { values: { role }, error: null, created: { username: String(values.username).trim(), password } });
  });

  type UserRequest = FastifyRequest<{ Params: Ids<'userId'> }>;
  const userSchema = { params: idParams('userId') };

  const requireAccount = async (request: UserRequest): Promise<User> => {
    const user = await findUser(app.db, request.params.userId);
    if (!user) throw notFound('用户');
    return user;
  };

  const accountPage = async (
    reply: FastifyReply,
    user: User,
    outcome: { message?: string; error?: string; password?: string } = {},
    status = 200,
  ) => {
    const [sessions, contests] = await Promise.all([activeSessions(app.db, user.id, app.sessionPolicy), contestsOfMember(app.db, user.id)]);
    return reply.page(
      'users/account',
      { account: { ...user, state: accountState(user) }, sessions, contests, ...outcome },
      { title: `${user.display_name} · 用户管理`, status },
    );
  };

  app.get<{ Params: Ids<'userId'> }>('/users/:userId', { config: { access: ADMINS }, schema: userSchema }, async (request, reply) =>
    accountPage(reply, await requireAccount(request)),
  );

  app.post<{ Params: Ids<'userId'> }>(
    '/users/:userId/sessions/end',
    { config: { access: ADMINS }, schema: userSchema },
    async (request, reply) => {
      const user = await requireAccount(request);
      const ended = await endSessions(app.db, user.id, request.signedIn.id);
      return accountPage(reply, user, { message: ended ? `已退出该账号的全部 ${ended} 个登录` : '该账号没有正在使用的登录' });
    },
  );

  app.post<{ Params: Ids<'userId' | 'sessionId'> }>(
    '/users/:userId/sessions/:sessionId/end',
    { config: { access: ADMINS }, schema: { params: idParams('userId', 'sessionId') } },
    async (request, reply) => {
      const user = await requireAccount(request);
      if (!(await endSessions(app.db, user.id, request.signedIn.id, { only: request.params.sessionId }))) throw notFound('登录');
      return accountPage(reply, user, { message: '已退出该登录' });
    },
  );

  app.post<{ Params: Ids<'userId'> }>(
    '/users/:userId/password',
    { config: { access: ADMINS }, schema: userSchema },
    async (request, reply) => {
      const user = await requireAccount(request);
      const password = await resetPassword(app.db, user.id, request.signedIn.id);
      // Shown exactly once, on this response.
      return accountPage(reply, (await findUser(app.db, user.id)) ?? user, { password });
    },
  );

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: Ids<'userId'> }>(
      `/users/:userId/${action}`,
      { config: { access: ADMINS }, schema: userSchema },
      async (request, reply) => {
        const user = await requireAccount(request);
        try {
          await setDisabled(app.db, user.id, disabled, request.signedIn.id);
        } catch (err) {
          if (err instanceof UserInputError) return accountPage(reply, user, { error: err.message }, 422);
          throw err;
        }
        const updated = (await findUser(app.db, user.id)) ?? user;
        return accountPage(reply, updated, { message: disabled ? '账号已停用，其全部登录已退出' : '账号已启用' });
      },
    );
  }
};
