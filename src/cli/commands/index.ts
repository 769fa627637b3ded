import type { Command } from '../command.ts';

/**
 * Every CLI command by its words, in the order `--help` lists them, loaded when it runs: a
 * command's modules (the database, Excel, the document readers) load for it alone, so
 * `casejury scan` starts in a tenth of the second that loading every command took.
 * test/cli-commands.test.ts checks each module's command answers to the words given here.
 */
export interface CommandEntry {
  name: string[];
  load: () => Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: ['serve'], load: async () => (await import('./serve.ts')).serveCommand },
  { name: ['users', 'create-admin'], load: async () => (await import('./users.ts')).usersCreateAdminCommand },
  { name: ['users', 'reset-password'], load: async () => (await import('./users.ts')).usersResetPasswordCommand },
  { name: ['users', 'list'], load: async () => (await import('./users.ts')).usersListCommand },
  { name: ['users', 'disable'], load: async () => (await import('./users.ts')).usersDisableCommand },
  { name: ['users', 'enable'], load: async () => (await import('./users.ts')).usersEnableCommand },
  { name: ['rules', 'check'], load: async () => (await import('./rules.ts')).rulesCheckCommand },
  { name: ['contest', 'create'], load: async () => (await import('./contest.ts')).contestCreateCommand },
  { name: ['contest', 'list'], load: async () => (await import('./contest.ts')).contestListCommand },
  { name: ['members', 'list'], load: async () => (await import('./members.ts')).membersListCommand },
  { name: ['members', 'add'], load: async () => (await import('./members.ts')).membersAddCommand },
  { name: ['members', 'remove'], load: async () => (await import('./members.ts')).membersRemoveCommand },
  { name: ['import'], load: async () => (await import('./import.ts')).importCommand },
  { name: ['entries'], load: async () => (await import('./import.ts')).entriesCommand },
  { name: ['units', 'import'], load: async () => (await import('./stages.ts')).unitsImportCommand },
  { name: ['units', 'list'], load: async () => (await import('./stages.ts')).unitsListCommand },
  { name: ['intake'], load: async () => (await import('./stages.ts')).intakeCommand },
  { name: ['package'], load: async () => (await import('./stages.ts')).packageCommand },
  { name: ['check'], load: async () => (await import('./check.ts')).checkCommand },
  { name: ['status'], load: async () => (await import('./flow.ts')).statusCommand },
  { name: ['decide'], load: async () => (await import('./flow.ts')).decideCommand },
  { name: ['experts', 'import'], load: async () => (await import('./judging.ts')).expertsImportCommand },
  { name: ['assign'], load: async () => (await import('./judging.ts')).assignCommand },
  { name: ['scores', 'sheet'], load: async () => (await import('./judging.ts')).scoresSheetCommand },
  { name: ['scores', 'import'], load: async () => (await import('./judging.ts')).scoresImportCommand },
  { name: ['progress'], load: async () => (await import('./judging.ts')).progressCommand },
  { name: ['awards'], load: async () => (await import('./awards.ts')).awardsCommand },
  { name: ['awards', 'adjust'], load: async () => (await import('./awards.ts')).awardsAdjustCommand },
  { name: ['publish'], load: async () => (await import('./awards.ts')).publishCommand },
  { name: ['export'], load: async () => (await import('./awards.ts')).exportCommand },
  { name: ['scan'], load: async () => (await import('./scan.ts')).scanCommand },
  { name: ['extract'], load: async () => (await import('./extract.ts')).extractCommand },
  { name: ['db', 'migrate'], load: async () => (await import('./db.ts')).dbMigrateCommand },
  { name: ['db', 'backup'], load: async () => (await import('./db.ts')).dbBackupCommand },
  { name: ['db', 'copy'], load: async () => (await import('./db.ts')).dbCopyCommand },
];
