import fsp from 'node:fs/promises';
import path from 'node:path';
import { runTool, ToolMissing, ToolTimeout, toolCommand, withTempDir } from './tools.ts';

/**
 * OCR of scans (image-only PDFs, photos of signed forms) with Debian's tesseract-ocr and its
 * Simplified Chinese data (tesseract-ocr-chi-sim); PDF pages are rendered by poppler's pdftoppm.
 * Each page has a time limit; a page that runs over it is left out and counted.
 */

export interface OcrOptions {
  /** Per page (CASEJURY_OCR_PAGE_SECONDS, default 60 s). */
  pageTimeoutMs: number;
  /** Pages read from one PDF; a scanned book is not a form. */
  maxPages: number;
}

export interface OcrResult {
  text: string;
  /** Mean word confidence of tesseract, 0–100, weighted by word length; null when nothing was read. */
  confidence: number | null;
  pages: number;
  /** Pages given up on for running over the time limit. */
  timedOut: number[];
  /** The PDF has more pages than maxPages; the rest were not read. */
  truncated: boolean;
}

export const ocrOptions = (env: NodeJS.ProcessEnv = process.env): OcrOptions => {
  const seconds = Number(env.CASEJURY_OCR_PAGE_SECONDS || 60);
  return { pageTimeoutMs: (seconds > 0 ? seconds : 60) * 1000, maxPages: 20 };
};

// chi_sim alone: it reads Latin letters and digits too, and chi_sim+eng turns short names into English words.
const LANGUAGES = 'chi_sim';
const DPI = '300';
const RENDER_TIMEOUT_MS = 120_000;

let availability: { key: string; result: Promise<string | null> } | null = null;

/**
 * Null when OCR can run here; otherwise why not, in Chinese (said once per import). Checked once
 * per process, command and PATH.
 */
export function ocrUnavailable(): Promise<string | null> {
  const command = toolCommand('tesseract');
  const key = `${command}\n${process.env.PATH}`;
  if (availability?.key === key) return availability.result;
  const result = (async () => {
    if (!command) return '文字识别（OCR）已关闭（CASEJURY_TESSERACT=off）';
    try {
      const { stdout, stderr } = await runTool('tesseract', ['--list-langs'], { timeoutMs: 15_000 });
      if (!/\bchi_sim\b/.test(stdout.toString('utf8') + stderr))
        return '本机的 tesseract 缺少简体中文识别数据（请安装 tesseract-ocr-chi-sim）';
      return null;
    } catch (err) {
      return err instanceof ToolMissing
        ? '本机未安装文字识别组件 tesseract-ocr（及 tesseract-ocr-chi-sim）'
        : `文字识别组件 tesseract 无法运行（${(err as Error).message}）`;
    }
  })();
  availability = { key, result };
  return result;
}

const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

interface Word {
  key: string;
  conf: number;
  text: string;
  left: number;
  right: number;
  height: number;
}

/**
 * Lines of tesseract's TSV output, words joined the way Chinese is written (no spaces between
 * ideographs); a wide gap (a form's column) becomes a tab, so a label stays apart from its value.
 */
function tsvText(tsv: string): { text: string; confSum: number; weight: number } {
  const words: Word[] = [];
  for (const row of tsv.split('\n').slice(1)) {
    const cols = row.split('\t');
    if (cols.length < 12 || cols[0] !== '5') continue;
    const text = cols[11].trim();
    if (!text) continue;
    const [left, width, height] = [Number(cols[6]), Number(cols[8]), Number(cols[9])];
    words.push({ key: `${cols[2]}.${cols[3]}.${cols[4]}`, conf: Number(cols[10]), text, left, right: left + width, height });
  }
  const lines: string[] = [];
  let line = '';
  let key = '';
  let previous: Word | null = null;
  let confSum = 0;
  let weight = 0;
  for (const w of words) {
    if (w.key !== key && line) {
      lines.push(line);
      line = '';
    }
    key = w.key;
    const wide = previous !== null && w.left - previous.right > 1.5 * Math.max(w.height, previous.height);
    const gap = !line ? '' : wide ? '\t' : CJK.test(line[line.length - 1]) && CJK.test(w.text[0]) ? '' : ' ';
    line += gap + w.text;
    previous = w;
    if (w.conf >= 0) {
      confSum += w.conf * w.text.length;
      weight += w.text.length;
    }
  }
  if (line) lines.push(line);
  return { text: lines.join('\n'), confSum, weight };
}

async function recognize(image: string, options: OcrOptions) {
  const { stdout } = await runTool('tesseract', [image, 'stdout', '-l', LANGUAGES, '--psm', '4', 'tsv'], {
    timeoutMs: options.pageTimeoutMs,
  });
  return tsvText(stdout.toString('utf8'));
}

/** Reads the text of a scanned PDF or an image file (PNG, JPEG, TIFF …). */
export async function ocrDocument(data: Buffer, kind: 'pdf' | 'image', options: OcrOptions = ocrOptions()): Promise<OcrResult> {
  return withTempDir(async (dir) => {
    let images: string[];
    let truncated = false;
    if (kind === 'pdf') {
      const input = path.join(dir, 'in.pdf');
      await fsp.writeFile(input, data);
      await runTool('pdftoppm', ['-r', DPI, '-gray', '-png', '-l', String(options.maxPages + 1), input, path.join(dir, 'page')], {
        timeoutMs: RENDER_TIMEOUT_MS,
      });
      images = (await fsp.readdir(dir))
        .filter((f) => f.startsWith('page') && f.endsWith('.png'))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .map((f) => path.join(dir, f));
      if (images.length > options.maxPages) {
        truncated = true;
        images = images.slice(0, options.maxPages);
      }
    } else {
      const input = path.join(dir, 'image');
      await fsp.writeFile(input, data);
      images = [input];
    }
    const texts: string[] = [];
    const timedOut: number[] = [];
    let confSum = 0;
    let weight = 0;
    for (const [i, image] of images.entries()) {
      try {
        const page = await recognize(image, options);
        texts.push(page.text);
        confSum += page.confSum;
        weight += page.weight;
      } catch (err) {
        if (!(err instanceof ToolTimeout)) throw err;
        timedOut.push(i + 1);
      }
    }
    return {
      text: texts.filter(Boolean).join('\n\n'),
      confidence: weight ? Math.round((confSum / weight) * 10) / 10 : null,
      pages: images.length,
      timedOut,
      truncated,
    };
  });
}
