import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/connect.ts';
import type { User } from '../../db/schema.ts';
import { endSessions, findUserByUsername, setPassword, findUser } from '../../users/accounts.ts';
import { passwordProblem, verifyPassword } from '../../users/passwords.ts';
import { activeSessions } from '../../users/sessions.ts';
import { clearFailedLogins, lockedUntil, recordFailedLogin } from '../../users/throttle.ts';
import { shanghaiMinute } from '../../util/time.ts';
import { dropSessionCookie, safeLocalPath, signIn, signOut } from './access.ts';
import { DEVICE_COOKIE, DEVICE_DAYS, DeviceCookies } from './device.ts';
import { audit } from '../../audit/log.ts';
import { HttpError, notFound } from '../http-error.ts';
import { idParams, type Ids } from '../schemas.ts';

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
  /** The session key, from which the device cookies' key is derived. */
  sessionKey: Buffer;
}

const WRONG = '用户名或密码不正确';

/** 登录, 退出, 修改密码, 我的账号 (the user's own sessions). */
export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, { loginAttemptsPerMinute, sessionKey }) => {
  const devices = new DeviceCookies(sessionKey);

  // The per-address limit: audited once per address and minute, not once per refused attempt.
  const throttled = new Map<string, number>();
  const auditThrottled = (request: FastifyRequest) => {
    const now = Date.now();
    if ((throttled.get(request.ip) ?? 0) > now) return;
    for (const [ip, until] of throttled) if (until <= now) throttled.delete(ip);
    throttled.set(request.ip, now + 60_000);
    audit(app.db, {
      userId: null,
      contestId: null,
      action: 'auth.address_throttled',
      subjectType: 'ip',
      subjectId: request.ip,
      newValue: { attemptsPerMinute: loginAttemptsPerMinute },
    }).catch((err) => request.log.error({ err }, 'audit of a throttled address failed'));
  };

  const loginPage = (reply: FastifyReply, next: string, username: string, error: string | null, status = 200) =>
    reply.page('auth/login', { next, username, error }, { title: '登录', status });

  app.get<{ Querystring: { next?: string } }>('/login', { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect(safeLocalPath(request.query.next), 303);
    return loginPage(reply, safeLocalPath(request.query.next), '', null);
  });

  app.post<{ Body: LoginBody }>(
    '/login',
    {
      config: {
        access: 'public',
        rateLimit: { max: loginAttemptsPerMinute, timeWindow: 60_000, onExceeded: auditThrottled },
      },
    },
    async (request, reply) => {
      const username = String(request.body?.username ?? '').trim();
      const password = String(request.body?.password ?? '');
      const next = safeLocalPath(request.body?.next);
      const user = username ? await findUserByUsername(app.db, username) : undefined;
      // A locked account is not tried at all from a browser it has not signed in from.
      const locked = user ? lockedUntil(user) : null;
      if (user && locked && !devices.trusts(request.cookies[DEVICE_COOKIE], user.id)) {
        const message = `该账号连续登录失败次数过多，已暂时锁定，请于 ${shanghaiMinute(locked.toISOString())} 后再试（曾在本机登录过的浏览器不受影响）`;
        return loginPage(reply, next, username, message, 429);
      }
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
        if (user) await recordFailedLogin(app.db, user.id, request.ip);
        return loginPage(reply, next, username, WRONG, 401);
      }
      if (user.disabled_at) return loginPage(reply, next, username, '该账号已停用，请联系系统管理员', 403);
      await clearFailedLogins(app.db, user.id);
      await signIn(request, reply, user);
      reply.setCookie(DEVICE_COOKIE, devices.issue(user.id), {
        path: '/login',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        maxAge: DEVICE_DAYS * 86_400,
      });
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
    const user = request.user;
    await signOut(request, reply);
    if (user) {
      await audit(app.db, { userId: user.id, contestId: null, action: 'auth.logout', subjectType: 'user', subjectId: user.id });
    }
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
    // Every session of the account ends with the old password; this browser gets a new one.
    await setPassword(app.db, me.id, password);
    await signIn(request, reply, me);
    return reply.goTo(next);
  });

  const accountPage = async (request: FastifyRequest, reply: FastifyReply, message: string | null = null) => {
    const sessions = await activeSessions(app.db, request.signedIn.id, app.sessionPolicy);
    return reply.page('auth/account', { sessions, current: request.sessionId, message }, { title: '我的账号' });
  };

  app.get('/account', { config: { access: 'user' } }, async (request, reply) => accountPage(request, reply));

  app.post('/account/sessions/others/end', { config: { access: 'user' } }, async (request, reply) => {
    const me = request.signedIn.id;
    const ended = await endSessions(app.db, me, me, { keep: request.sessionId });
    return accountPage(request, reply, ended ? `已退出其他 ${ended} 个登录` : '没有其他登录');
  });

  app.post<{ Params: Ids<'sessionId'> }>(
    '/account/sessions/:sessionId/end',
    { config: { access: 'user' }, schema: { params: idParams('sessionId') } },
    async (request, reply) => {
      const me = request.signedIn.id;
      if (!(await endSessions(app.db, me, me, { only: request.params.sessionId }))) throw notFound('登录');
      if (request.params.sessionId === request.sessionId) {
        dropSessionCookie(reply);
        return reply.goTo('/login');
      }
      return accountPage(request, reply, '已退出该登录');
    },
  );
};
