import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { MemberRole, Role, User } from '../../db/schema.ts';
import { endSession, resumeSession, type SessionUser, startSession } from '../../users/sessions.ts';
import { memberRole } from '../../contests/members.ts';
import { HttpError, notFound } from '../http-error.ts';
import { isHtmx } from '../htmx.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from '../security.ts';
import { CONTEST_OBJECTS, isContestRoute, pathParams, undeclaredParams } from './contest-scope.ts';

/** Members of the route's contest (its `:contestId`) with one of these roles; administrators always. */
export interface ContestAccess {
  readonly contest: readonly MemberRole[];
}

/**
 * Who may call a route. Every route declares one in `config.access`; the app refuses to start
 * when one is missing, so nothing is reachable by accident.
 * - 'asset': anyone, and no session work (static files)
 * - 'public': anyone (login page)
 * - 'user': any signed-in user
 * - a role list: signed-in users with one of those roles
 * - a ContestAccess: the contest's members with one of its roles, and administrators. Every route
 *   under `/contests/:contestId` declares one (or is for administrators only): the app refuses to
 *   start otherwise.
 */
export type Access = 'asset' | 'public' | 'user' | readonly Role[] | ContestAccess;
export type { SessionUser };

export const ADMINS: readonly Role[] = ['admin'];
export const ORGANIZERS: readonly Role[] = ['admin', 'organizer'];
export const EXPERTS: readonly Role[] = ['expert'];
/** The contest's organizers (and administrators): every organizer page of a contest. */
export const CONTEST_ORGANIZERS: ContestAccess = { contest: ['organizer'] };

const isContestAccess = (access: Access | undefined): access is ContestAccess => typeof access === 'object' && 'contest' in access;
const isAdminsOnly = (access: Access | undefined): boolean => Array.isArray(access) && access.every((r) => r === 'admin');

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Reachable while the user still has to replace a one-time password. */
    allowPendingPassword?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in user, or null. Loaded from the session on every request. */
    user: SessionUser | null;
    /** The signed-in user on a route whose access requires one (the guard has refused everyone else). */
    readonly signedIn: SessionUser;
    /** The id of the request's session (sessions.id), or null when nobody is signed in. */
    sessionId: number | null;
  }
  interface FastifyInstance {
    /** Every route of the app with what it declared (the guard checks them at start-up; tests walk them). */
    readonly routeTable: readonly RouteOptions[];
  }
  interface FastifyReply {
    /** Sends the browser to `url`: a 303 for plain forms, `HX-Redirect` for htmx requests. */
    goTo(url: string): FastifyReply;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The request's session token (src/users/sessions.ts): the database knows its hash, and whether it has ended. */
function sessionToken(request: FastifyRequest): string | null {
  const signed = request.cookies[SESSION_COOKIE];
  if (!signed) return null;
  const { valid, value } = request.unsignCookie(signed);
  return valid ? value : null;
}

/** Forgets the browser's session cookie. */
export function dropSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Starts a server-side session for the user: a new cookie, and a new CSRF secret at the next form
 * (the old one may have been planted before the login). Its id becomes the request's.
 */
export async function signIn(request: FastifyRequest, reply: FastifyReply, user: Pick<User, 'id'>): Promise<void> {
  const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
  const policy = request.server.sessionPolicy;
  const token = await startSession(request.server.db, user.id, client, policy);
  reply.setCookie(SESSION_COOKIE, token, { ...request.server.cookieOptions, maxAge: Math.ceil(policy.lifetimeMs / 1000) });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
  delete request.cookies[CSRF_COOKIE];
}

/** Ends the request's session in the database, and clears the cookie. */
export async function signOut(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = sessionToken(request);
  if (token) await endSession(request.server.db, token);
  dropSessionCookie(reply);
}

/** Only same-site absolute paths, so `?next=` cannot send anyone to another site. */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : fallback;
}

/** The session's user, in one indexed lookup; a session that has ended clears the cookie. */
async function loadUser(request: FastifyRequest, reply: FastifyReply): Promise<SessionUser | null> {
  const token = sessionToken(request);
  if (!token) return null;
  const session = await resumeSession(request.server.db, token, request.server.sessionPolicy);
  if (!session) {
    dropSessionCookie(reply);
    return null;
  }
  request.sessionId = session.id;
  return session.user;
}

const pathId = (value: unknown): number => {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(400, '地址中的编号无效');
  return id;
};

/**
 * A contest route's contest and the objects its path names: a user who is not a member of the
 * contest (administrators are members of every contest), and an object of another contest, both
 * look like something that does not exist.
 */
async function checkContestScope(request: FastifyRequest, user: SessionUser): Promise<void> {
  const params = request.params as Record<string, unknown>;
  const contestId = pathId(params.contestId);
  const { access } = request.routeOptions.config;
  if (user.role !== 'admin') {
    const role = await memberRole(request.server.db, contestId, user.id);
    if (!role || !isContestAccess(access) || !access.contest.includes(role)) throw notFound('竞赛');
  }
  for (const name of pathParams(request.routeOptions.url ?? '')) {
    const contestOf = CONTEST_OBJECTS[name];
    if (contestOf && (await contestOf(request.server.db, pathId(params[name]))) !== contestId) throw notFound('页面');
  }
}

function requireLogin(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const target = `/login?next=${encodeURIComponent(request.url)}`;
  if (request.method === 'GET' && !isHtmx(request)) return reply.redirect(target, 303);
  return reply.code(401).header('HX-Redirect', target).send(new HttpError(401, '登录已失效，请重新登录'));
}

/**
 * Shared request guard (one instance for the whole app): loads the user, enforces each route's
 * `access`, sends users with a one-time password to the change-password page, and checks the CSRF
 * token on every state-changing request — form field `_csrf` or header `X-CSRF-Token`.
 */
export const accessGuard = fp(
  async (app) => {
    const routes: RouteOptions[] = [];
    app.decorate('routeTable', routes);
    app.decorateRequest('user', null);
    app.decorateRequest('sessionId', null);
    app.decorateRequest('signedIn', {
      getter(this: FastifyRequest): SessionUser {
        if (!this.user) throw new HttpError(401, '登录已失效，请重新登录');
        return this.user;
      },
    });
    app.decorateReply('goTo', function (this: FastifyReply, url: string) {
      return isHtmx(this.request) ? this.code(204).header('HX-Redirect', url).send() : this.redirect(url, 303);
    });

    app.addHook('onRoute', (route) => {
      routes.push(route);
    });
    app.addHook('onReady', async () => {
      const name = (r: RouteOptions) => `${r.method} ${r.url}`;
      const open = routes.filter((r) => r.config?.access === undefined).map(name);
      if (open.length) throw new Error(`These routes declare no config.access: ${open.join(', ')}`);
      const contestRoutes = routes.filter((r) => isContestRoute(r.url));
      const unscoped = contestRoutes.filter((r) => !isContestAccess(r.config?.access) && !isAdminsOnly(r.config?.access)).map(name);
      if (unscoped.length) {
        throw new Error(
          `These contest routes declare neither a ContestAccess (e.g. CONTEST_ORGANIZERS) nor ADMINS: ${unscoped.join(', ')}`,
        );
      }
      const undeclared = contestRoutes.filter((r) => undeclaredParams(r.url).length).map((r) => `${name(r)} (${undeclaredParams(r.url)})`);
      if (undeclared.length) {
        throw new Error(`Path parameters of these contest routes are not declared in auth/contest-scope.ts: ${undeclared.join(', ')}`);
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      const { access, allowPendingPassword } = request.routeOptions.config;
      if (access === 'asset') return;
      request.user = await loadUser(request, reply);
      if (request.is404 || access === 'public') return;
      const user = request.user;
      if (!user) return requireLogin(request, reply);
      if (user.must_change_password && !allowPendingPassword) {
        return reply.goTo(`/password?next=${encodeURIComponent(request.url)}`);
      }
      const allowed =
        access === 'user' || (isContestAccess(access) ? ORGANIZERS.includes(user.role) : (access?.includes(user.role) ?? false));
      if (!allowed) throw new HttpError(403, '您的账号没有访问此页面的权限');
    });

    // Before the body is validated (a non-member learns nothing from a 400) and before an upload is read.
    app.addHook('preValidation', async (request) => {
      if (request.user && isContestRoute(request.routeOptions.url ?? '')) await checkContestScope(request, request.user);
    });

    app.addHook('preHandler', (request, reply, done) => {
      if (UNSAFE_METHODS.has(request.method)) app.csrfProtection(request, reply, done);
      else done();
    });
  },
  { name: 'access-guard', dependencies: ['security', 'services'] },
);
