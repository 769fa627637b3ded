import path from 'node:path';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './ingest/archive.ts';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './users/sessions.ts';

/** Root folder for runtime data (database, stored files). */
export const dataDir = (): string => path.resolve(process.env.CASEJURY_DATA || 'data');

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`环境变量 ${name} 应为正数：${raw}`);
  return value;
}

/**
 * Archive limits set in the environment (the rest keep their defaults): CASEJURY_ARCHIVE_FILE_MB
 * (largest unpacked file), CASEJURY_CONTEST_MAX_GB (all files stored for one contest),
 * CASEJURY_ARCHIVE_MAX_FILES, CASEJURY_ARCHIVE_MAX_RATIO.
 */
export function archiveLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ArchiveLimits> {
  const fileMb = positive(env, 'CASEJURY_ARCHIVE_FILE_MB');
  const contestGb = positive(env, 'CASEJURY_CONTEST_MAX_GB');
  const files = positive(env, 'CASEJURY_ARCHIVE_MAX_FILES');
  const ratio = positive(env, 'CASEJURY_ARCHIVE_MAX_RATIO');
  return {
    ...(fileMb === undefined ? {} : { maxFileBytes: Math.round(fileMb * 1024 ** 2) }),
    ...(contestGb === undefined ? {} : { maxTotalBytes: Math.round(contestGb * 1024 ** 3) }),
    ...(files === undefined ? {} : { maxFiles: Math.floor(files) }),
    ...(ratio === undefined ? {} : { maxRatio: ratio }),
  };
}

/** The archive limits in force: the defaults, with what the environment sets. */
export const archiveLimits = (env: NodeJS.ProcessEnv = process.env): ArchiveLimits => ({
  ...DEFAULT_ARCHIVE_LIMITS,
  ...archiveLimitsFromEnv(env),
});

/** How long sessions last: CASEJURY_SESSION_IDLE_MINUTES unused (default 120) and CASEJURY_SESSION_HOURS in all (default 12). */
export function sessionPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): SessionPolicy {
  const idle = positive(env, 'CASEJURY_SESSION_IDLE_MINUTES');
  const hours = positive(env, 'CASEJURY_SESSION_HOURS');
  return {
    idleMs: idle === undefined ? DEFAULT_SESSION_POLICY.idleMs : idle * 60_000,
    lifetimeMs: hours === undefined ? DEFAULT_SESSION_POLICY.lifetimeMs : hours * 3600_000,
  };
}

/** Server folders a folder import may read from (CASEJURY_IMPORT_ROOTS, separated like PATH); none by default: uploads only. */
export const importRootsFromEnv = (env: NodeJS.ProcessEnv = process.env): string[] =>
  (env.CASEJURY_IMPORT_ROOTS ?? '').split(path.delimiter).filter((p) => p.trim() !== '');
