import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Dolos (@dodona/dolos-lib), the baseline of the similarity benchmark, installed on demand into
 * a scratch folder outside the repository (it compiles about 20 tree-sitter grammars: no
 * project should pay for that at install). Installed once; later runs reuse the folder.
 */
export const DOLOS_VERSION = '3.5.1';
const DIR = path.join(os.tmpdir(), `casejury-dolos-${DOLOS_VERSION}`);

/** The part of Dolos's API the benchmark uses. */
export interface DolosFile {
  path: string;
  tokens: { length: number };
}
interface Fingerprint {
  fileCount(): number;
  occurrencesOf(file: DolosFile): Iterable<{ side: { start: number; stop: number } }>;
}
export interface DolosReport {
  allPairs(): unknown[];
  entries(): { file: DolosFile; shared: Iterable<Fingerprint>; ignored: Iterable<Fingerprint> }[];
}
export interface DolosModule {
  Dolos: new (options: {
    language: string;
    kgramLength: number;
  }) => {
    analyze(files: DolosFile[], name: string, template?: DolosFile): Promise<DolosReport>;
  };
  File: new (path: string, content: string) => DolosFile;
}

export async function loadDolos(log: (line: string) => void): Promise<DolosModule> {
  const require = createRequire(path.join(DIR, 'package.json'));
  if (!existsSync(path.join(DIR, 'node_modules', '@dodona', 'dolos-lib'))) {
    log(`安装 Dolos ${DOLOS_VERSION} 到 ${DIR}（只需一次，约数分钟）…`);
    execFileSync('npm', ['install', '--prefix', DIR, '--no-audit', '--no-fund', '--no-save', `@dodona/dolos-lib@${DOLOS_VERSION}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return (await import(pathToFileURL(require.resolve('@dodona/dolos-lib')).href)) as DolosModule;
}
