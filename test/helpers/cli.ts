import { vi } from 'vitest';
import { runCli } from '../../src/cli/main.ts';

/** Runs a CLI command in-process and captures what it printed. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(console, 'error').mockImplementation((...parts) => {
    stderr += `${parts.join(' ')}\n`;
  });
  const errWrite = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    errWrite.mockRestore();
  }
}

/** Runs a `--json` command and parses its output. */
export async function cliJson<T = unknown>(...args: string[]): Promise<T> {
  const r = await cli(...args, '--json');
  if (r.code !== 0) throw new Error(`casejury ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
