import fc from 'fast-check';
import { Converter } from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { findSimilarity } from '../src/similarity/index.ts';
import { normalize, offsetAt, offsetBreaks, originalRange, unitsToString } from '../src/similarity/text/normalize.ts';
import { quotedRanges } from '../src/similarity/text/quotes.ts';
import { documentSource } from './helpers/documents.ts';

/**
 * A Traditional copy in Taiwan's vocabulary (軟體 for 软件, 檔案 for 文件, 影片 for 视频 …) is
 * the same text: the similarity scan folds regional words by phrase, not only characters.
 */
const source = documentSource;
const toTaiwan = Converter({ from: 'cn', to: 'twp' });
const toHongKong = Converter({ from: 'cn', to: 'hk' });
const text = (s: string) => unitsToString(normalize(s).chars);

/** A case document full of the words Taiwan says differently. */
const simplified = [
  ...source.paragraphs,
  '学校为每位教师配备了笔记本电脑和鼠标，安装了备课软件，建立了共享文件夹，教师把教学视频和课件文件上传到网络平台。',
  '信息技术教师编写了一个小程序，自动统计学生的作业数据，并把数据导出为表格文件，方便班主任分析。',
  '我们还利用打印机和扫描仪把学生作品数字化，存入学校的资源数据库，供全区教师下载使用。',
  '通过网络研修，教师学会了用软件剪辑视频、制作动画，信息素养明显提升。',
].join('\n');

describe('regional vocabulary', () => {
  it('folds Taiwan and Hong Kong words to the mainland’s', () => {
    expect(text('我們使用軟體處理檔案，觀看影片，用滑鼠點選程式。')).toBe(text('我们使用软件处理文件，观看视频，用鼠标点击程序。'));
    expect(text('我們在網際網路上分享資訊')).toBe(text('我们在互联网上分享信息'));
    // A simplified text is never changed by them: 智慧, 文件 and 程序 are mainland words too.
    expect(text('国家智慧教育平台的通知文件和评审程序')).toBe('国家智慧教育平台的通知文件和评审程序');
    expect(text('國家智慧教育平臺的通知文件和評審程序')).toBe('国家智慧教育平台的通知文件和评审程序');
  });

  it('scans a Taiwan-vocabulary Traditional copy of a Simplified document at 90% or more', () => {
    const taiwan = toTaiwan(simplified);
    // The copy really uses the other words (a character-by-character conversion would not).
    expect(taiwan).toContain('軟體');
    expect(taiwan).toContain('檔案');
    expect(taiwan).toContain('影片');
    const result = findSimilarity([
      { id: 'simplified', text: simplified, category: null, library: false },
      { id: 'taiwan', text: taiwan, category: null, library: false },
      { id: 'hongkong', text: toHongKong(simplified), category: null, library: false },
    ]);
    for (const id of ['taiwan', 'hongkong']) {
      const report = result.documents.find((r) => r.id === id);
      expect(report?.rate).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('keeps the offset map right where a phrase changes length', () => {
    // 網際網路 (4) → 互联网 (3); 軟體 (2) → 软件 (2).
    const original = '老師用網際網路下載軟體。';
    const { chars, offsets } = normalize(original);
    const normalized = unitsToString(chars);
    expect(normalized).toBe('老师用互联网下载软件');
    const at = normalized.indexOf('互联网');
    const [start, end] = originalRange(original, offsetBreaks(offsets), at, at + 3);
    expect(original.slice(start, end)).toBe('網際網路');
    const sw = normalized.indexOf('软件');
    expect(original.slice(...originalRange(original, offsetBreaks(offsets), sw, sw + 2))).toBe('軟體');
  });

  it('offsets stay in order and inside the text, and their compact breaks give them back, whatever mix of words and characters', () => {
    const pieces = [
      '軟體',
      '檔案',
      '影片',
      '滑鼠',
      '網際網路',
      '資訊',
      '程式',
      '软件',
      '文件',
      '学校',
      'ＡＢ',
      'x',
      '，',
      '\n',
      '𠀀',
      '著',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) => {
        const original = parts.join('');
        const { chars, offsets } = normalize(original);
        expect(offsets.length).toBe(chars.length);
        const breaks = offsetBreaks(offsets);
        for (let i = 0; i < offsets.length; i++) {
          expect(offsets[i]).toBeGreaterThanOrEqual(i ? offsets[i - 1] : 0);
          expect(offsets[i]).toBeLessThan(original.length);
          // kept compactly, the offsets are the same
          expect(offsetAt(breaks, i)).toBe(offsets[i]);
        }
        if (chars.length) {
          // The whole normalized text maps back to the original from its first to its last countable character.
          const [start, end] = originalRange(original, offsetBreaks(offsets), 0, chars.length);
          expect(unitsToString(normalize(original.slice(start, end)).chars)).toBe(unitsToString(chars));
        }
      }),
    );
  });
});

describe('cited text', () => {
  it('counts a sentence that closes with a note reference as cited (去除引用)', () => {
    const t = '正文一句。课程标准指出，语文课程应引导学生积累语言经验。[1]又一句。参考文献\n[2] 教育部文件';
    expect(quotedRanges(t).map(([s, e]) => t.slice(s, e))).toEqual(['课程标准指出，语文课程应引导学生积累语言经验。[1]']);
  });
});
