import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../db/connect.ts';
import type { User } from '../../db/schema.ts';
import { findUserByUsername, setPassword, findUser } from '../../users/accounts.ts';
import { passwordProblem, verifyPassword } from '../../users/passwords.ts';
import { safeLocalPath, signIn, signOut } from './access.ts';
import { audit } from '../../audit/log.ts';
import { HttpError } from '../http-error.ts';

interface LoginBody {
  username?: string;
  password?: string;
  next?: string;
}
interface PasswordBody {
  current?: string;
  password?: string;
  confirm?: string;
  next?: string;
}

/** The signed-in user's account row; missing only when the account was deleted during the request. */
async function accountOf(db: Db, id: number): Promise<User> {
  const user = await findUser(db, id);
  if (!user) throw new HttpError(401, '登录已失效，请重新登录');
  return user;
}

export interface AuthRoutesOptions {
  /** Login attempts per IP per minute. */
  loginAttemptsPerMinute: number;
}

/** 登录, 退出, 修改密码. */
export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, { loginAttemptsPerMinute }) => {
  app.get<{ Querystring: { next?: string } }>('/login', { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect(safeLocalPath(request.query.next), 303);
    return reply.page('auth/login', { next: safeLocalPath(request.query.next), username: '', error: null }, { title: '登录' });
  });

  app.post<{ Body: LoginBody }>(
    '/login',
    { config: { access: 'public', rateLimit: { max: loginAttemptsPerMinute, timeWindow: 60_000 } } },
    async (request, reply) => {
      const username = String(request.body?.username ?? '').trim();
      const password = String(request.body?.password ?? '');
      const next = safeLocalPath(request.body?.next);
      const user = username ? await findUserByUsername(app.db, username) : undefined;
      const ok = await verifyPassword(user?.password_hash ?? null, password);
      if (!user || !ok) {
        await audit(app.db, {
          userId: user?.id ?? null,
          contestId: null,
          action: 'auth.login_failed',
          subjectType: 'user',
          subjectId: username.slice(0, 60),
          reason: request.ip,
        });
        return reply.page('auth/login', { next, username, error: '用户名或密码不正确' }, { title: '登录', status: 401 });
      }
      signIn(request, user);
      await audit(app.db, {
        userId: user.id,
        contestId: null,
        action: 'auth.login',
        subjectType: 'user',
        subjectId: user.id,
        reason: request.ip,
      });
      return reply.goTo(user.must_change_password ? `/password?next=${encodeURIComponent(next)}` : next);
    },
  );

  app.post('/logout', { config: { access: 'public' } }, async (request, reply) => {
    signOut(request);
    return reply.goTo('/login');
  });

  app.get<{ Querystring: { next?: string } }>(
    '/password',
    { config: { access: 'user', allowPendingPassword: true } },
    async (request, reply) => reply.page('auth/password', { next: safeLocalPath(request.query.next), error: null }, { title: '修改密码' }),
  );

  app.post<{ Body: PasswordBody }>('/password', { config: { access: 'user', allowPendingPassword: true } }, async (request, reply) => {
    const me = await accountOf(app.db, request.signedIn.id);
    const body = request.body ?? {};
    const next = safeLocalPath(body.next);
    const password = String(body.password ?? '');
    const error = !(await verifyPassword(me.password_hash, String(body.current ?? '')))
      ? '当前密码不正确'
      : password !== String(body.confirm ?? '')
        ? '两次输入的新密码不一致'
        : password === String(body.current)
          ? '新密码不能与当前密码相同'
          : passwordProblem(password, me.username);
    if (error) return reply.page('auth/password', { next, error }, { title: '修改密码', status: 422 });
    await setPassword(app.db, me.id, password);
    signIn(request, await accountOf(app.db, me.id));
    return reply.goTo(next);
  });
};
