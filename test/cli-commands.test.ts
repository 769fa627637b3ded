import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../src/cli/command.ts';
import { commands } from '../src/cli/commands/index.ts';
import { runCli } from '../src/cli/main.ts';

const folder = path.join(import.meta.dirname, '../src/cli/commands');
const isCommand = (value: unknown): value is Command =>
  typeof value === 'object' && value !== null && 'name' in value && 'run' in value && Array.isArray(value.name);

describe('CLI commands, loaded when they run', () => {
  it('lists every command its modules export, each under the words the command answers to', async () => {
    const exported: string[] = [];
    for (const file of (await readdir(folder)).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
      const module: Record<string, unknown> = await import(path.join(folder, file));
      for (const value of Object.values(module)) if (isCommand(value)) exported.push(value.name.join(' '));
    }
    const listed = commands.map((c) => c.name.join(' '));
    expect([...listed].sort()).toEqual([...exported].sort());
    for (const entry of commands) expect((await entry.load()).name).toEqual(entry.name);
  });

  it('prints every command in the general help, and a command its own help', async () => {
    const out: string[] = [];
    const log = console.log;
    console.log = (line: string) => void out.push(line);
    try {
      expect(await runCli(['--help'])).toBe(0);
      expect(await runCli(['scan', '--help'])).toBe(0);
    } finally {
      console.log = log;
    }
    const [general, scan] = out;
    for (const c of commands) expect(general).toContain(`  ${c.name.join(' ')} `);
    expect(scan).toContain('用法 Usage: casejury scan FOLDER');
  });
});
