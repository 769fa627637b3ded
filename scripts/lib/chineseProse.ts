import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real Chinese prose to train the realistic corpus's character model on, fetched at bench time
 * and never committed: Debian's Simplified Chinese documentation packages (the Debian
 * Reference, FAQ and New Maintainers' Guide), downloaded with `apt-get download` and unpacked
 * with `dpkg-deb`, their HTML reduced to Chinese sentences. Cached in the system's temporary
 * folder. Without apt (or offline), the competition notices in shared/seeds stand in.
 */

const PACKAGES = ['debian-reference-zh-cn', 'debian-faq-zh-cn', 'maint-guide-zh-cn'];
const CACHE = path.join(os.tmpdir(), 'casejury-bench-prose-v1.txt');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The competition notices (`shared/seeds`, beside the repository or as the brief places it). */
export function seedNotices(): string[] {
  const candidates = [process.env.CASEJURY_SEEDS, path.join(ROOT, '../shared/seeds'), '/work/shared/seeds'].filter((d): d is string => !!d);
  const dir = candidates.find((d) => existsSync(d));
  if (!dir) throw new Error(`找不到竞赛通知文本（shared/seeds），可用 CASEJURY_SEEDS 指定：${candidates.join('、')}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

const CJK = /[\u4e00-\u9fff]/g;

/** Sentences of mostly Chinese text: markup, code and English left out. */
export function chineseSentences(text: string): string[] {
  return text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]+>/g, '\n')
    .replace(/&[a-z]+;|&#\d+;/g, ' ')
    .replace(/\[bookmark:[^\]]*\]/g, '')
    .split(/(?<=[。！？；])|\n/)
    .map((s) => s.replace(/\s+/g, ''))
    .filter((s) => s.length >= 8 && (s.match(CJK)?.length ?? 0) >= s.length * 0.7);
}

function fromDebian(): string | null {
  const dir = path.join(os.tmpdir(), `casejury-bench-debian-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('apt-get', ['download', ...PACKAGES], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
    const sentences: string[] = [];
    for (const deb of readdirSync(dir).filter((f) => f.endsWith('.deb'))) {
      execFileSync('dpkg-deb', ['-x', deb, 'x'], { cwd: dir, stdio: 'ignore' });
    }
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.html')) sentences.push(...chineseSentences(readFileSync(p, 'utf8')));
      }
    };
    walk(path.join(dir, 'x'));
    return sentences.length > 5000 ? sentences.join('\n') : null;
  } catch {
    return null;
  } finally {
    execFileSync('rm', ['-rf', dir]);
  }
}

/** Chinese prose, one sentence a line, and where it came from. */
export function trainingProse(): { text: string; source: string } {
  if (existsSync(CACHE)) return { text: readFileSync(CACHE, 'utf8'), source: `Debian ${PACKAGES.join(', ')}（缓存 ${CACHE}）` };
  const debian = fromDebian();
  if (debian) {
    writeFileSync(CACHE, debian);
    return { text: debian, source: `Debian ${PACKAGES.join(', ')}` };
  }
  return { text: seedNotices().flatMap(chineseSentences).join('\n'), source: 'shared/seeds（无法下载 Debian 文档包）' };
}
