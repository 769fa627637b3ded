import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Db } from '../db/connect.ts';
import { importRootsFromEnv, sessionPolicyFromEnv } from '../config.ts';
import type { SessionPolicy } from '../users/sessions.ts';
import { services } from './services.ts';
import { type MailConfig, mailConfigFromEnv } from '../mail/mailer.ts';
import { security } from './security.ts';
import { views } from './views.ts';
import { assets } from './assets.ts';
import { installErrorPages } from './errors.ts';
import { accessGuard } from './auth/access.ts';
import { loadSessionKey } from './session-key.ts';
import { authRoutes } from './auth/routes.ts';
import { homeRoutes } from './home.ts';
import { userRoutes } from './users/routes.ts';
import { memberRoutes } from './members/routes.ts';
import { contestRoutes } from './contests/routes.ts';
import { ruleRoutes } from './contests/rules-routes.ts';
import { importRoutes } from './imports/routes.ts';
import { entryRoutes } from './entries/routes.ts';
import { similarityRoutes } from './similarity/routes.ts';
import { eligibilityRoutes } from './eligibility/routes.ts';
import { awardRoutes } from './awards/routes.ts';
import { judgingRoutes } from './judging/routes.ts';
import { suspectRoutes } from './suspects/routes.ts';
import { unitRoutes } from './units/routes.ts';

export interface AppOptions {
  db: Db;
  /** Runtime data folder: stored files under files/, uploads under tmp/, session.key. */
  dataDir: string;
  /** 32-byte cookie key; default CASEJURY_SESSION_KEY or dataDir/session.key. */
  sessionKey?: Buffer;
  logger?: FastifyServerOptions['logger'];
  /** Secure cookies: true behind HTTPS, 'auto' (default) per request. CASEJURY_SECURE_COOKIES=1|0 overrides. */
  secureCookies?: boolean | 'auto';
  /** Trust X-Forwarded-* from a reverse proxy (CASEJURY_TRUST_PROXY). */
  trustProxy?: boolean;
  /** Folder of rule-set files offered when creating a contest; default the repository's rules/. */
  rulesDir?: string;
  /** Largest upload in bytes; default CASEJURY_UPLOAD_MAX_MB or 2048 MB. */
  uploadLimitBytes?: number;
  /** Login attempts per IP per minute. */
  loginAttemptsPerMinute?: number;
  /** SMTP server for reminders; default CASEJURY_SMTP_URL and CASEJURY_MAIL_FROM, null: no e-mail. */
  mail?: MailConfig | null;
  /** How long sessions last unused and in all; default CASEJURY_SESSION_IDLE_MINUTES and CASEJURY_SESSION_HOURS. */
  sessionPolicy?: SessionPolicy;
  /** Server folders an administrator may import from; default CASEJURY_IMPORT_ROOTS (none: uploads only). */
  importRoots?: string[];
}

const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

function envSecureCookies(): boolean | 'auto' {
  const v = process.env.CASEJURY_SECURE_COOKIES;
  return v === '1' || v === 'true' ? true : v === '0' || v === 'false' ? false : 'auto';
}

/**
 * The web app. Shared services (db, jobs, blobs), security (session, CSRF, headers), views and
 * the access guard are registered once for the whole app; each feature is an encapsulated
 * plugin that registers its own routes — a new feature adds one `register` line below.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: opts.trustProxy ?? process.env.CASEJURY_TRUST_PROXY === '1',
  });

  const sessionKey = opts.sessionKey ?? loadSessionKey(opts.dataDir);
  await app.register(services, {
    db: opts.db,
    dataDir: opts.dataDir,
    mail: opts.mail === undefined ? mailConfigFromEnv() : opts.mail,
    sessionPolicy: opts.sessionPolicy ?? sessionPolicyFromEnv(),
  });
  await app.register(security, { sessionKey, secureCookies: opts.secureCookies ?? envSecureCookies() });
  await app.register(views);
  await app.register(assets);
  installErrorPages(app);
  // From here on every route must declare config.access.
  await app.register(accessGuard);

  await app.register(authRoutes, { loginAttemptsPerMinute: opts.loginAttemptsPerMinute ?? 10, sessionKey });
  await app.register(homeRoutes);
  await app.register(userRoutes);
  await app.register(contestRoutes, { rulesDir: opts.rulesDir ?? DEFAULT_RULES_DIR });
  await app.register(importRoutes, {
    uploadLimitBytes: opts.uploadLimitBytes ?? Number(process.env.CASEJURY_UPLOAD_MAX_MB || 2048) * 1024 * 1024,
    importRoots: opts.importRoots ?? importRootsFromEnv(),
  });
  await app.register(entryRoutes);
  await app.register(similarityRoutes);
  await app.register(eligibilityRoutes);
  await app.register(awardRoutes);
  await app.register(judgingRoutes);
  await app.register(suspectRoutes);
  await app.register(unitRoutes);
  await app.register(memberRoutes);
  await app.register(ruleRoutes);
  return app;
}
