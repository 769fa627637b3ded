import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRuleSet, requireRuleSet, RuleSetInvalidError } from '../src/rules/load.ts';
import { listRuleSetFiles, loadRuleSetFile } from '../src/rules/store/files.ts';
import {
  authorLimitsFor,
  criterionLevels,
  fontSizePt,
  materialsFor,
  rubricMax,
  videoLimitsFor,
  type RuleSet,
} from '../src/rules/schema.ts';
import { findCategory, findGroup } from '../src/rules/match.ts';

const MINIMAL = `version: 1
contest:
  name: 测试竞赛
  notice: { seed: 000_test }
awards:
  bands:
    - { name: 一等奖, ratio: 0.1 }
    - { name: 二等奖, ratio: 0.2 }
categories:
  - key: cases
    name: 应用案例
    materials:
      - kind: 案例介绍
        formats: [docx]
    tieBreak: [effect]
    rubric:
      criteria:
        - { key: effect, name: 成效, max: 60 }
        - { key: writing, name: 文字, max: 40 }
`;

const readRules = (name: string) => fs.readFileSync(`rules/${name}`, 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

function load(name: string): RuleSet {
  return requireRuleSet(readRules(name), name);
}

function errorsOf(text: string) {
  const r = parseRuleSet(text, 'rules/broken.yaml');
  if (r.ok) throw new Error('expected the rule set to be rejected');
  return r.errors;
}

describe('the rule sets in rules/', () => {
  it('has one valid file per notice', async () => {
    const files = await listRuleSetFiles();
    expect(files).toHaveLength(5);
    const seeds: string[] = [];
    for (const f of files) {
      const r = await loadRuleSetFile(f);
      expect(r.ok ? [] : r.errors.map((e) => e.message), f).toEqual([]);
      if (r.ok) seeds.push(r.ruleSet.contest.notice.seed);
    }
    expect(seeds.sort()).toEqual([
      '000_a5148b8b8c20e1e3',
      '001_3737dda1dc01416c',
      '002_c768d3d121b654c9',
      '003_679307648b491948',
      '004_71b4136a2f3eb29c',
    ]);
  });

  it('names its seed in the header comment of each file', async () => {
    for (const f of await listRuleSetFiles()) {
      const text = fs.readFileSync(f, 'utf8');
      const seed = requireRuleSet(text, f).contest.notice.seed;
      expect(text.split('\n').slice(0, 3).join('\n'), f).toContain(`shared/seeds/${seed}.txt`);
    }
  });

  it('keeps the award ratios and quotas the notices state', () => {
    const fujian = load('fujian-platform-cases-training-and-scenarios.yaml');
    for (const c of fujian.categories) expect(c.awards.bands.map((b) => b.ratio)).toEqual([0.1, 0.2, 0.3]);
    expect(fujian.categories[0].awards.editableDefault).toBe(false);

    const city = load('city-platform-application-special.yaml');
    expect(city.awards.bands.map((b) => [b.name, b.ratio])).toEqual([
      ['一等奖', 0.15],
      ['二等奖', 0.25],
      ['三等奖', 0.35],
    ]);
    expect(city.quotas.map((q) => q.max)).toEqual([30, 6, 40]);
    expect(city.similarity.threshold).toBe(0.3);

    const national = load('2024-platform-cases-teacher-training.yaml');
    expect(national.quotas).toMatchObject([{ per: 'unit-kind', unitKinds: ['省'], max: 200, prize: false }]);
    expect(national.awards.editableDefault).toBe(true);
  });

  it('gives every rubric full marks of 100 and marks invented points as editable defaults', async () => {
    for (const f of await listRuleSetFiles()) {
      const rs = requireRuleSet(fs.readFileSync(f, 'utf8'), f);
      for (const c of rs.categories) {
        expect(rubricMax(c.rubric), `${f} ${c.key}`).toBe(100);
        expect(c.rubric.editableDefault, `${f} ${c.key}`).toBe(true);
      }
    }
  });

  it('encodes limits from the notices as data', () => {
    const district = load('2025-district-digital-literacy.yaml');
    const schoolBased = district.categories.find((c) => c.key === 'platform-school-based-training')!;
    const report = schoolBased.materials.find((m) => m.kind === '总结报告')!;
    expect(report.words?.max).toBe(2000);
    expect(report.sections.map((s) => s.name)).toEqual(['研修概况', '过程与举措', '成果与成效', '经验与创新', '持续改进计划']);
    expect(schoolBased.materials.find((m) => m.kind === '信息表')!.keywords).toEqual({ field: '案例关键词', max: 4 });
    const vocational = district.categories.find((c) => c.key === 'vocational-practical-teaching')!;
    expect(vocational.acceptsEntries).toBe(false);
    expect(vocational.materials.find((m) => m.kind === '课堂实录视频')!.video).toMatchObject({ minMinutes: 15, maxMinutes: 25 });

    const fujian = load('fujian-platform-cases-training-and-scenarios.yaml');
    const story = fujian.categories.find((c) => c.key === 'innovative-scenarios')!.materials.find((m) => m.kind === '数字故事')!;
    expect(story.video).toMatchObject({ maxMinutes: 10, aspect: '16:9', resolution: { width: 1920, height: 1080, mode: 'exact' } });
    expect(story.video?.recommended?.videoCodecs).toEqual(['h264']);
    expect(fujian.categories.find((c) => c.key === 'online-studio-training')!.authors).toMatchObject({ max: 3, requiredRole: '主持人' });
  });
});

describe('parseRuleSet', () => {
  it('fills defaults and gives each category the contest-wide award bands', () => {
    const rs = requireRuleSet(MINIMAL, 'min.yaml');
    expect(rs.blind).toBe(true);
    expect(rs.judging).toEqual({ reviewersPerEntry: 3, aggregation: 'mean', spreadThreshold: 0.2 });
    expect(rs.similarity).toMatchObject({ threshold: 0.3, minMatch: 13, documentKinds: ['案例介绍'] });
    expect(rs.categories[0].awards).toEqual({
      bands: [
        { name: '一等奖', ratio: 0.1 },
        { name: '二等奖', ratio: 0.2 },
      ],
      denominator: 'valid',
      rounding: 'cumulative-floor',
      atLeastOneFirst: false,
      perGroup: false,
      editableDefault: false,
    });
    expect(rs.categories[0].materials[0]).toMatchObject({ required: true, patterns: [], sections: [] });
  });

  it('reports a wrong type in a nested field with file, line and field path', () => {
    const text = readRules('city-platform-application-special.yaml').replace(
      '{ name: 二等奖, ratio: 0.25 }',
      '{ name: 二等奖, ratio: 两成 }',
    );
    const [e, ...rest] = errorsOf(text);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ file: 'rules/broken.yaml', line: lineOf(text, 'ratio: 两成'), field: 'awards.bands[1].ratio' });
    expect(e.message).toBe(`rules/broken.yaml 第${e.line}行 awards.bands[1].ratio：类型不对：应为数字，实际是文本`);
  });

  it('reports a missing field at the line of the item that lacks it', () => {
    const text = MINIMAL.replace('{ key: writing, name: 文字, max: 40 }', '{ key: writing, name: 文字 }');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: lineOf(text, '{ key: writing'), field: 'categories[0].rubric.criteria[1].max' });
    expect(errors[0].message).toContain('缺少必填字段');
  });

  it('reports an unknown key at its own line', () => {
    const text = MINIMAL.replace('    name: 应用案例\n', '    name: 应用案例\n    alias: [案例]\n');
    expect(errorsOf(text)).toMatchObject([{ line: lineOf(text, 'alias:'), field: 'categories[0].alias' }]);
  });

  it('follows YAML aliases to the anchored definition', () => {
    const text = readRules('2024-platform-cases-teacher-training.yaml').replace('max: 3000', 'max: 三千');
    const errors = errorsOf(text);
    // One anchored material list shared by three categories: one error per category, all on the anchor's line.
    expect(errors.map((e) => e.field)).toEqual([0, 1, 2].map((i) => `categories[${i}].materials[1].words.max`));
    expect(new Set(errors.map((e) => e.line))).toEqual(new Set([lineOf(text, 'max: 三千')]));
  });

  it('reports YAML syntax errors with their line', () => {
    const text = MINIMAL.replace('  bands:\n', '  bands: [\n');
    const errors = errorsOf(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].line).toBeGreaterThanOrEqual(lineOf(text, 'bands: ['));
    expect(errors[0].field).toBe('');
    expect(errors[0].message).toMatch(/^rules\/broken\.yaml 第\d+行：YAML 语法错误/);
  });

  it('rejects a duplicate key in one mapping', () => {
    const text = MINIMAL.replace('    name: 应用案例\n', '    name: 应用案例\n    name: 案例\n');
    expect(errorsOf(text)[0].message).toContain('同一层级中字段重复');
  });

  it('checks rules that span fields', () => {
    const cases: [string, string, string][] = [
      ['ratio: 0.2 }', 'ratio: 0.95 }', 'awards.bands'],
      ['tieBreak: [effect]', 'tieBreak: [effect, speed]', 'categories[0].tieBreak[1]'],
      ['max: 60 }', 'max: 0 }', 'categories[0].rubric.criteria[0].max'],
      ['{ key: writing,', '{ key: effect,', 'categories[0].rubric.criteria[1].key'],
      [
        '        formats: [docx]\n',
        '        formats: [docx]\n        minCount: 3\n        maxCount: 1\n',
        'categories[0].materials[0].minCount',
      ],
      [
        '  notice: { seed: 000_test }\n',
        '  notice: { seed: 000_test }\njudging: { reviewersPerEntry: 2, aggregation: trimmed-mean }\n',
        'judging.reviewersPerEntry',
      ],
    ];
    for (const [from, to, field] of cases) {
      const text = MINIMAL.replace(from, to);
      expect(text, from).not.toBe(MINIMAL);
      expect(
        errorsOf(text).map((e) => e.field),
        to,
      ).toContain(field);
    }
  });

  it('rejects two categories that a folder name could both match', () => {
    const text =
      MINIMAL.replace('    name: 应用案例\n', '    name: 应用案例\n    aliases: [案例]\n') +
      MINIMAL.slice(MINIMAL.indexOf('  - key: cases')).replace('key: cases', 'key: other').replace('name: 应用案例', 'name: “案例”');
    expect(errorsOf(text).map((e) => e.reason)).toContain('类别名称或别名“案例”出现在多个类别中');
  });

  it('points a repeated category key at the repeating item', () => {
    const second = MINIMAL.slice(MINIMAL.indexOf('  - key: cases')).replace('name: 应用案例', 'name: 其他案例');
    const text = MINIMAL + second;
    const secondKeyLine = text.split('\n').lastIndexOf('  - key: cases') + 1;
    expect(errorsOf(text)).toMatchObject([{ line: secondKeyLine, field: 'categories[1].key', reason: '类别标识“cases”重复' }]);
  });

  it('throws RuleSetInvalidError listing every error from requireRuleSet', () => {
    const text = MINIMAL.replace('ratio: 0.1', 'ratio: -1').replace('max: 40', 'max: 四十');
    expect(() => requireRuleSet(text, 'x.yaml')).toThrow(RuleSetInvalidError);
    try {
      requireRuleSet(text, 'x.yaml');
    } catch (err) {
      expect((err as RuleSetInvalidError).errors).toHaveLength(2);
      expect((err as Error).message).toContain('规则有误（2 处）');
    }
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ])
      text += `${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]\n`;
    expect(errorsOf(text)).toMatchObject([{ line: 1, field: '' }]);
    expect(errorsOf(text)[0].reason).toContain('YAML 内容无法展开');
  });

  it('says when a file cannot be read', async () => {
    const r = await loadRuleSetFile('rules/no-such-file.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toContain('无法读取文件（ENOENT）');
  });
});

describe('reading a rule set', () => {
  const city = load('city-platform-application-special.yaml');
  const cases = city.categories[0];

  it('adds group materials and replaces author limits by group', () => {
    expect(materialsFor(cases, '教师案例').map((m) => m.kind)).toEqual(['信息表', '案例介绍', '介绍视频', '支撑材料']);
    expect(materialsFor(cases, '区县案例').map((m) => m.kind)).toEqual([
      '信息表',
      '案例介绍',
      '介绍视频',
      '支撑材料',
      '新闻报道',
      '推广方案',
    ]);
    expect(authorLimitsFor(cases, '教师案例')).toMatchObject({ max: 2, sameUnit: true });
    expect(authorLimitsFor(cases, '学校案例').max).toBeUndefined();
    expect(authorLimitsFor(cases, null)).toMatchObject({ max: 2, sameUnit: true });
  });

  it('lays the video limits of a material over those of its category', () => {
    const [caseVideo, lessonVideo] = [cases, city.categories[1]].map((c) => videoLimitsFor(c, c.materials.find((m) => m.video)!));
    const common = { containers: ['mp4'], aspect: '16:9', resolution: { width: 1920, height: 1080, mode: 'min' } };
    expect(caseVideo).toEqual({ ...common, maxMinutes: 6, recommended: undefined });
    expect(lessonVideo).toEqual({ ...common, maxMinutes: 45, recommended: undefined });
    const withoutOwn = cases.materials.find((m) => m.kind === '支撑材料')!;
    expect(videoLimitsFor(cases, withoutOwn)).toEqual(common);
  });

  it('derives level descriptors from the scale when a criterion has none', () => {
    const rs = requireRuleSet(MINIMAL, 'min.yaml');
    const { rubric } = rs.categories[0];
    expect(criterionLevels(rubric, rubric.criteria[0])).toEqual([
      { label: '优秀', min: 51, max: 60, text: '全面达到要求，特色鲜明，可供推广' },
      { label: '良好', min: 42, max: 51, text: '较好达到要求，有一定特色' },
      { label: '合格', min: 36, max: 42, text: '基本达到要求' },
      { label: '不合格', min: 0, max: 36, text: '未达到要求' },
    ]);
    const national = load('2024-platform-cases-teacher-training.yaml').categories[0].rubric;
    expect(criterionLevels(national, national.criteria[0])[0]).toMatchObject({ label: '优秀', min: 17, max: 20 });
  });

  it('matches folder names to categories and groups', () => {
    const district = load('2025-district-digital-literacy.yaml');
    expect(findCategory(district, '融合创新应用教学案例(“素质教育”主题)')?.key).toBe('quality-education-cases');
    expect(findCategory(district, '融合创新应用教学案例（素质教育主题）')?.key).toBe('quality-education-cases');
    expect(findCategory(district, ' 2.融合创新应用教学案例 ')?.key).toBe('integrated-innovation-cases');
    expect(findCategory(district, '精品课后服务资源')).toBeUndefined();
    const resources = findCategory(district, '精品学习资源')!;
    expect(findGroup(resources, '小学+实验小学+张三')?.name).toBe('小学');
    expect(findGroup(resources, '幼儿园阳光幼儿园李四')?.name).toBe('幼儿教育');
    expect(findGroup(resources, '大学某某')).toBeUndefined();
  });

  it('converts 字号 to points', () => {
    expect(fontSizePt('三号')).toBe(16);
    expect(fontSizePt('小四')).toBe(12);
    expect(fontSizePt(10.5)).toBe(10.5);
  });
});
