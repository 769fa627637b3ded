import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Parsed option values (`--json`, `--db` and `--help` are always present). */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  /** Writes a line to stdout. */
  print(line: string): void;
  /** Writes `value` as indented JSON to stdout. */
  printJson(value: unknown): void;
}

export interface Command {
  /** Words that name the command, e.g. ['rules', 'check']. */
  name: string[];
  /** One line in Chinese, one in English, shown by `--help`. */
  summary: { zh: string; en: string };
  /** Usage after the command words, e.g. 'CONTEST PATH [--json]'. */
  usage: string;
  options?: OptionSpec;
  /** Per-option help lines, Chinese then English. */
  optionHelp?: Record<string, string>;
  /** Returns the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** Thrown for wrong usage: main prints the message and exits with 2. */
export class UsageError extends Error {}
