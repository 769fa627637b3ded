import type { Command } from '../command.ts';
import { serveCommand } from './serve.ts';
import { rulesCheckCommand } from './rules.ts';
import { contestCreateCommand, contestListCommand } from './contest.ts';
import { entriesCommand, importCommand } from './import.ts';
import { checkCommand } from './check.ts';
import { awardsAdjustCommand, awardsCommand, exportCommand, publishCommand } from './awards.ts';
import { scanCommand } from './scan.ts';
import { extractCommand } from './extract.ts';
import { assignCommand, expertsImportCommand, progressCommand, scoresImportCommand, scoresSheetCommand } from './judging.ts';
import { decideCommand, statusCommand } from './flow.ts';
import { dbBackupCommand, dbCopyCommand, dbMigrateCommand } from './db.ts';
import { intakeCommand, packageCommand, unitsImportCommand, unitsListCommand } from './stages.ts';
import { membersAddCommand, membersListCommand, membersRemoveCommand } from './members.ts';
import { usersCreateAdminCommand, usersDisableCommand, usersEnableCommand, usersListCommand, usersResetPasswordCommand } from './users.ts';

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [
  serveCommand,
  usersCreateAdminCommand,
  usersResetPasswordCommand,
  usersListCommand,
  usersDisableCommand,
  usersEnableCommand,
  rulesCheckCommand,
  contestCreateCommand,
  contestListCommand,
  membersListCommand,
  membersAddCommand,
  membersRemoveCommand,
  importCommand,
  entriesCommand,
  unitsImportCommand,
  unitsListCommand,
  intakeCommand,
  packageCommand,
  checkCommand,
  statusCommand,
  decideCommand,
  expertsImportCommand,
  assignCommand,
  scoresSheetCommand,
  scoresImportCommand,
  progressCommand,
  awardsCommand,
  awardsAdjustCommand,
  publishCommand,
  exportCommand,
  scanCommand,
  extractCommand,
  dbMigrateCommand,
  dbBackupCommand,
  dbCopyCommand,
];
