import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.ts';
import * as m002 from './002_judging.ts';
import * as m003 from './003_awards.ts';
import * as m004 from './004_eligibility.ts';
import * as m005 from './005_similarity.ts';
import * as m006 from './006_suspects.ts';
import * as m007 from './007_jobs.ts';
import * as m008 from './008_imports_deadlines_reminders.ts';
import * as m009 from './009_document_parts.ts';
import * as m010 from './010_units_intake.ts';
import * as m011 from './011_unit_accounts.ts';
import * as m012 from './012_contest_members.ts';
import * as m013 from './013_import_problems.ts';
import * as m014 from './014_flow.ts';
import * as m015 from './015_sessions.ts';
import * as m016 from './016_suspect_snapshots.ts';
import * as m017 from './017_file_metadata_indexes.ts';

/**
 * Migrations listed explicitly: kysely's FileMigrationProvider imports by path,
 * which breaks under vitest and in bundled code. Add each new migration here, in order.
 */
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_judging': m002,
  '003_awards': m003,
  '004_eligibility': m004,
  '005_similarity': m005,
  '006_suspects': m006,
  '007_jobs': m007,
  '008_imports_deadlines_reminders': m008,
  '009_document_parts': m009,
  '010_units_intake': m010,
  '011_unit_accounts': m011,
  '012_contest_members': m012,
  '013_import_problems': m013,
  '014_flow': m014,
  '015_sessions': m015,
  '016_suspect_snapshots': m016,
  '017_file_metadata_indexes': m017,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
