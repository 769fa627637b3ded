import { describe, expect, it } from 'vitest';
import { byText, compareText, sortedByText } from '../src/util/collate.ts';

describe('pinyin order', () => {
  it('sorts names as a Chinese reader does, not by code point', () => {
    expect(['张伟', '李娜', '王芳', '赵强'].sort(compareText)).toEqual(['李娜', '王芳', '张伟', '赵强']);
    // By code point 一 (U+4E00) < 七 < 三 < 二; by pinyin er < qi < san < yi.
    expect(['评审专家一', '评审专家七', '评审专家三', '评审专家二'].sort(compareText)).toEqual([
      '评审专家二',
      '评审专家七',
      '评审专家三',
      '评审专家一',
    ]);
  });

  it('sorts units by pinyin, numbers inside by value, missing values last', () => {
    expect(['赵县第10中学', '李庄小学', null, '赵县第2中学', '王村中学', ''].sort(compareText)).toEqual([
      '李庄小学',
      '王村中学',
      '赵县第2中学',
      '赵县第10中学',
      null,
      '',
    ]);
  });

  it('sorts ordinals written in Chinese by value', () => {
    expect(['市第十中学', '市第二中学', '市第一中学', '市第十二中学', '市第一百零五中学'].sort(compareText)).toEqual([
      '市第一中学',
      '市第二中学',
      '市第十中学',
      '市第十二中学',
      '市第一百零五中学',
    ]);
  });

  it('breaks ties on the next key', () => {
    const people = [
      { name: '张伟', unit: '赵县中学' },
      { name: '张伟', unit: '李庄小学' },
      { name: '王芳', unit: null },
    ];
    expect(
      sortedByText(
        people,
        (p) => p.name,
        (p) => p.unit,
      ),
    ).toEqual([people[2], people[1], people[0]]);
    expect([...people].sort(byText((p) => p.unit))).toEqual([people[1], people[0], people[2]]);
  });
});
