import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Optional programs of the operating system that reading documents calls on: poppler-utils
 * (`pdftotext`, `pdftoppm`) and tesseract-ocr. Each is found on PATH, or where an environment
 * variable says (CASEJURY_PDFTOTEXT, CASEJURY_PDFTOPPM, CASEJURY_TESSERACT; `off` turns one off).
 */
export type ToolName = 'pdftotext' | 'pdftoppm' | 'tesseract';

const ENV: Record<ToolName, string> = {
  pdftotext: 'CASEJURY_PDFTOTEXT',
  pdftoppm: 'CASEJURY_PDFTOPPM',
  tesseract: 'CASEJURY_TESSERACT',
};

export const toolCommand = (name: ToolName, env: NodeJS.ProcessEnv = process.env): string | null => {
  const configured = env[ENV[name]]?.trim();
  if (configured === 'off') return null;
  return configured || name;
};

export class ToolMissing extends Error {}
export class ToolTimeout extends Error {}

/** Runs a program with a time limit; its output as bytes. A program that is not installed throws ToolMissing. */
export function runTool(
  name: ToolName,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<{ stdout: Buffer; stderr: string }> {
  const command = toolCommand(name, options.env);
  if (!command) return Promise.reject(new ToolMissing(`${name} is turned off`));
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'buffer',
        // One thread each: the machine's cores are shared by the pages read in parallel.
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr: stderr.toString('utf8') });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (e.code === 'ENOENT') reject(new ToolMissing(`${command} is not installed`));
        else if (e.killed || e.signal === 'SIGKILL') reject(new ToolTimeout(`${command} took longer than ${options.timeoutMs} ms`));
        else reject(new Error(`${command} failed: ${stderr.toString('utf8').trim() || e.message}`));
      },
    );
  });
}

/** A scratch folder that is removed once `work` is done with it. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'casejury-read-'));
  try {
    return await work(dir);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
