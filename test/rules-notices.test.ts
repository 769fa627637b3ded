import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkEntry, type CheckContext, type EntryForCheck } from '../src/eligibility/entry.ts';
import type { EntryFile } from '../src/eligibility/types.ts';
import { requireRuleSet } from '../src/rules/load.ts';
import type { RuleSet } from '../src/rules/schema.ts';

/**
 * Rules applied as the notices (shared/seeds/, by file id) say, each test quoting its notice. Entries are plain data:
 * what matters here is which rule fires and how hard, not reading files.
 */

const load = (file: string): RuleSet => requireRuleSet(fs.readFileSync(`rules/${file}`, 'utf8'), file);

let nextId = 1;
const file = (path: string, kind: string, ext: string): EntryFile => ({
  id: nextId++,
  name: path.split('/').pop() ?? path,
  path,
  kind,
  ext,
  size: 1024,
  sha256: `sha-${nextId}`,
  text: kind === '案例介绍' ? '基本情况。过程与举措。经验与成效。特色与创新。内容导图。' : null,
  html: null,
  error: null,
  parts: [],
  properties: null,
});

const context = (ruleSet: RuleSet): CheckContext => ({
  ruleSet,
  firstAuthorWorks: new Map(),
  priorAwards: null,
  layoutOf: () => undefined,
  videoOf: () => undefined,
});

const entry = (categoryKey: string, groupName: string | null, files: EntryFile[]): EntryForCheck => ({
  id: 1,
  code: 'N0001',
  title: '依托平台开展校本研修的实践',
  groupName,
  categoryKey,
  categoryLabel: null,
  authors: [{ name: '林老师', unit: '实验小学', role: '主持人' }],
  files,
});

const statusOf = (results: { id: string; status: string }[], id: string) => results.find((r) => r.id === id)?.status;

describe('rules as the notices state them', () => {
  it('Fujian: “必须提交……及相关的支撑材料” — a missing 支撑材料 is a warning to decide on, never a silent pass', () => {
    // 000_a5148b8b8c20e1e3: 必须提交教师研修专项的典型案例信息表（主附件中的附表6（PDF 格式））、案例介绍文档（（Word 文档格式））、
    // 展现创新推进过程及成效的数字故事（MP4 格式）及相关的支撑材料。 The same for 常规项目 (附表7).
    const fujian = load('fujian-platform-cases-training-and-scenarios.yaml');
    const files = [file('信息表.pdf', '信息表', 'pdf'), file('案例介绍.docx', '案例介绍', 'docx'), file('数字故事.mp4', '数字故事', 'mp4')];
    for (const key of ['regional-training', 'innovative-scenarios']) {
      const group = key === 'innovative-scenarios' ? '区域应用案例' : null;
      const without = checkEntry(entry(key, group, files), context(fujian));
      expect(statusOf(without, 'material:支撑材料')).toBe('warn');
      const withIt = checkEntry(entry(key, group, [...files, file('支撑材料/通知.pdf', '支撑材料', 'pdf')]), context(fujian));
      expect(statusOf(withIt, 'material:支撑材料')).toBe('pass');
    }
  });

  it('City: “要求报送案例介绍、应用视频及相关素材” — a missing 相关素材 is a warning to decide on', () => {
    // 004_71b4136a2f3eb29c: 教师案例作者不超过2人（须来自同一单位），要求报送案例介绍、应用视频及相关素材
    const city = load('city-platform-application-special.yaml');
    const files = [file('报名表.pdf', '信息表', 'pdf'), file('案例介绍.docx', '案例介绍', 'docx'), file('应用视频.mp4', '介绍视频', 'mp4')];
    const results = checkEntry(entry('platform-application-cases', '教师案例', files), context(city));
    expect(statusOf(results, 'material:支撑材料')).toBe('warn');
  });

  it('District 2025: “基础教育专项（仅面向义务教育阶段）” — a 高中 entry fails, a 初中 entry does not', () => {
    // 002_c768d3d121b654c9: 基础教育专项（仅面向义务教育阶段）：国家中小学智慧教育平台校本研修案例、名师名校长线上工作室研修案例。
    const district = load('2025-district-digital-literacy.yaml');
    for (const key of [
      'platform-school-based-training',
      ...district.categories.filter((c) => c.division === '专项·基础教育专项').map((c) => c.key),
    ]) {
      const high = checkEntry(entry(key, '高中', []), context(district)).find((r) => r.id === 'category');
      expect(high?.status).toBe('fail');
      expect(high?.message).toContain('“高中”不在其列');
      expect(checkEntry(entry(key, '初中', []), context(district)).find((r) => r.id === 'category')?.status).toBe('pass');
    }
  });
});
