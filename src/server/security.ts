import fp from 'fastify-plugin';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import formbody from '@fastify/formbody';
import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import { HttpError } from './http-error.ts';

export interface SecurityOptions {
  /** 32-byte key the cookies are signed with (through a key derived from it). */
  sessionKey: Buffer;
  /** `true` behind HTTPS; `'auto'` decides per request (needs trustProxy behind a proxy). */
  secureCookies: boolean | 'auto';
}

declare module 'fastify' {
  interface FastifyInstance {
    /** How casejury's own cookies are set: httpOnly, SameSite=Lax, signed, Secure behind HTTPS. */
    readonly cookieOptions: CookieSerializeOptions;
  }
}

export const SESSION_COOKIE = 'casejury_session';
/** The CSRF secret's cookie (@fastify/csrf-protection keeps it there, signed). */
export const CSRF_COOKIE = '_csrf';

/** The CSRF token from a form field `_csrf` or the `X-CSRF-Token` header htmx sends. */
function csrfToken(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
  const header = request.headers['x-csrf-token'];
  return field ?? (typeof header === 'string' ? header : undefined);
}

/** Headers, signed cookies, CSRF tokens, form parsing and rate limiting, once for the whole app. */
export const security = fp<SecurityOptions>(
  async (app, { sessionKey, secureCookies }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    });
    await app.register(formbody, { bodyLimit: 256 * 1024 });
    // Sessions live in the database (src/users/sessions.ts); the cookie carries only the session token and
    // the CSRF secret, signed so that a tampered value reads as none.
    await app.register(cookie, { secret: crypto.createHmac('sha256', sessionKey).update('casejury cookies').digest() });
    app.decorate('cookieOptions', { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies, signed: true } as const);
    await app.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: CSRF_COOKIE,
      cookieOpts: app.cookieOptions,
      getToken: csrfToken,
    });
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: () => new HttpError(429, '尝试过于频繁，请稍后再试'),
    });
  },
  { name: 'security' },
);
