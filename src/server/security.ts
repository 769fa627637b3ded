import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import formbody from '@fastify/formbody';
import secureSession from '@fastify/secure-session';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import { HttpError } from './http-error.ts';

export interface SecurityOptions {
  /** 32-byte key that encrypts the session cookie. */
  sessionKey: Buffer;
  /** `true` behind HTTPS; `'auto'` decides per request (needs trustProxy behind a proxy). */
  secureCookies: boolean | 'auto';
}

export const SESSION_COOKIE = 'casejury_session';
const SESSION_HOURS = 12;

/** The CSRF token from a form field `_csrf` or the `X-CSRF-Token` header htmx sends. */
function csrfToken(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
  const header = request.headers['x-csrf-token'];
  return field ?? (typeof header === 'string' ? header : undefined);
}

/** Headers, cookie sessions, CSRF tokens, form parsing and rate limiting, once for the whole app. */
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
    await app.register(secureSession, {
      key: sessionKey,
      cookieName: SESSION_COOKIE,
      expiry: SESSION_HOURS * 3600,
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies },
    });
    await app.register(csrf, { sessionPlugin: '@fastify/secure-session', getToken: csrfToken });
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: () => new HttpError(429, '尝试过于频繁，请稍后再试'),
    });
  },
  { name: 'security' },
);
