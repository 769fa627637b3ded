import { describe, expect, it } from 'vitest';
import { highlight } from '../src/server/similarity/highlight.ts';
import { rateHistogram } from '../src/server/similarity/histogram.ts';

describe('highlight', () => {
  it('escapes every character of the text and marks the passages, overlaps carrying both keys', () => {
    const text = '甲<b>乙</b>&丙"丁\'戊';
    // passage 1 is `<b>乙</b>`, passage 2 `</b>&丙"`
    const html = highlight(text, [
      { start: 1, end: 9, key: '1' },
      { start: 5, end: 12, key: '2', note: '[2]' },
    ]);
    expect(html).toBe(
      '甲' +
        '<mark data-s="1">&lt;b&gt;乙</mark>' +
        '<mark data-s="1 2">&lt;/b&gt;</mark>' +
        '<mark data-s="2">&amp;丙&quot;</mark><sup class="note">[2]</sup>' +
        '丁&#39;戊',
    );
    // the text comes back whole once the markup is taken out
    const plain = html.replace(/<sup[^>]*>.*?<\/sup>/g, '').replace(/<[^>]+>/g, '');
    expect(
      plain
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&'),
    ).toBe(text);
  });

  it('clamps ranges to the text, drops empty ones, and makes marks focusable only when asked', () => {
    expect(
      highlight(
        '一二三',
        [
          { start: -5, end: 1, key: '7' },
          { start: 2, end: 2, key: '8' },
          { start: 2, end: 99, key: '9' },
        ],
        { focusable: true },
      ),
    ).toBe('<mark data-s="7" tabindex="0">一</mark>二<mark data-s="9" tabindex="0">三</mark>');
    expect(highlight('<x>', [])).toBe('&lt;x&gt;');
  });
});

describe('rateHistogram', () => {
  const counts = (svg: string) => [...svg.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));

  it('counts rates in 5% bins (100% in the last) and draws the threshold where it lies', () => {
    const svg = rateHistogram([0, 0.01, 0.049, 0.05, 0.299, 0.3, 0.62, 1, 1], 0.3);
    expect(counts(svg)).toEqual([3, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2]);
    // bars from the threshold up are red, below it blue
    const fills = [...svg.matchAll(/<rect class="bin"[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
    expect(fills[5]).toBe('#93c5fd');
    expect(fills[6]).toBe('#ef4444');
    const x = Number(/<line class="threshold" x1="([\d.]+)"/.exec(svg)![1]);
    // plot from 40 to 704 px: 30% at 40 + 0.3 × 664
    expect(x).toBeCloseTo(239.2, 1);
    expect(svg).toContain('共 9 篇，达到阈值 30% 的 4 篇');
  });

  it('marks a bin the threshold cuts through', () => {
    const fills = [...rateHistogram([0.33], 0.32).matchAll(/<rect class="bin"[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
    expect(fills[6]).toBe('#fbbf24');
  });
});
