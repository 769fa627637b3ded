import { Document, Packer, Paragraph, TextRun } from 'docx';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkAnonymity } from '../src/eligibility/anonymity.ts';
import { checkAuthors, worksByFirstAuthor } from '../src/eligibility/authors.ts';
import { checkWords, countWords, documentBlocks } from '../src/eligibility/documents.ts';
import { checkEntry, type CheckContext, type EntryForCheck } from '../src/eligibility/entry.ts';
import { type DocxLayout, readDocxLayout, sameFont } from '../src/eligibility/format.ts';
import { checkHistory, readPriorAwards } from '../src/eligibility/history.ts';
import { checkFileTypes, checkSizes } from '../src/eligibility/materials.ts';
import type { CheckResult, EntryAuthor, EntryFile } from '../src/eligibility/types.ts';
import { checkVideos, type VideoInfo } from '../src/eligibility/video.ts';
import { probeMp4 } from '../src/ingest/media.ts';
import { classifyEntryFiles } from '../src/ingest/classify.ts';
import { extractText } from '../src/ingest/extract/index.ts';
import { loadRuleSetFile } from '../src/rules/store/files.ts';
import { authorLimitsFor, type CategoryRules, DEFAULT_FORMAT_ALIASES, materialsFor, type RuleSet } from '../src/rules/schema.ts';
import { sha256Of } from '../src/storage/blobs.ts';
import { makeDocx } from './helpers/docx.ts';
import { makeStyledDocx, type StyledText } from './fixtures-media/docx.ts';
import { makeMp4 } from './fixtures-media/mp4.ts';
import { makePdf } from './fixtures-media/pdf.ts';

const RULE_FILES = {
  training: 'rules/2024-platform-cases-teacher-training.yaml',
  fujian: 'rules/fujian-platform-cases-training-and-scenarios.yaml',
  city: 'rules/city-platform-application-special.yaml',
  literacy: 'rules/2025-district-digital-literacy.yaml',
  exchange: 'rules/2024-district-info-teaching-exchange.yaml',
} as const;
const rules = {} as Record<keyof typeof RULE_FILES, RuleSet>;

beforeAll(async () => {
  for (const [name, file] of Object.entries(RULE_FILES)) {
    const loaded = await loadRuleSetFile(file);
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    rules[name as keyof typeof RULE_FILES] = loaded.ruleSet;
  }
});

const categoryOf = (rs: RuleSet, key: string): CategoryRules => rs.categories.find((c) => c.key === key)!;

/** 15 字 by the Word count: 14 Chinese characters and a full stop. */
const SENTENCE = '教师依托平台资源开展研修活动。';
const sentences = (n: number) => SENTENCE.repeat(n);

// -------------------------------------------------------------------------------------------
// Entries built from real files: text extracted the way the importer does it, kinds given by
// the importer's classifier with the rule set's naming patterns.

interface SubmittedFile {
  path: string;
  data: Buffer;
  /** Recorded size when it matters more than the bytes (a 600 MB video is not built in a test). */
  size?: number;
}

let nextFileId = 1;
const media = new Map<string, Buffer>();

async function entryOf(
  rs: RuleSet,
  categoryKey: string,
  opts: { title: string; group?: string | null; authors?: EntryAuthor[]; files: SubmittedFile[] },
): Promise<EntryForCheck> {
  const category = categoryOf(rs, categoryKey);
  const patterns = materialsFor(category, opts.group ?? null).map((m) => ({ kind: m.kind, patterns: m.patterns }));
  const kinds = classifyEntryFiles(
    opts.files.map((f) => f.path),
    patterns,
  );
  const files = await Promise.all(
    opts.files.map(async (f, i): Promise<EntryFile> => {
      const name = f.path.split('/').pop()!;
      const { text, html, error, parts, properties } = await extractText(f.data, name);
      const sha256 = sha256Of(f.data);
      media.set(sha256, f.data);
      return {
        id: nextFileId++,
        name,
        path: f.path,
        kind: kinds[i],
        ext: name.split('.').pop()!.toLowerCase(),
        size: f.size ?? f.data.length,
        sha256,
        text,
        html,
        error,
        parts,
        properties,
      };
    }),
  );
  return {
    id: nextFileId++,
    code: `E${nextFileId}`,
    title: opts.title,
    groupName: opts.group ?? null,
    categoryKey,
    categoryLabel: null,
    authors: opts.authors ?? [],
    files,
  };
}

/** What runChecks gives the pure checks: layouts and video headers read from the files' bytes. */
async function contextFor(rs: RuleSet, entries: EntryForCheck[], priorAwards: CheckContext['priorAwards'] = null): Promise<CheckContext> {
  const layouts = new Map<string, DocxLayout | string>();
  const videos = new Map<string, VideoInfo | string>();
  for (const f of entries.flatMap((e) => e.files)) {
    const data = media.get(f.sha256)!;
    if (f.ext === 'docx') layouts.set(f.sha256, await readDocxLayout(data).catch((e: Error) => e.message));
    if (f.ext === 'mp4') videos.set(f.sha256, await probeMp4(data).catch((e: Error) => e.message));
  }
  const firstAuthorWorks = new Map<string, Map<string, string[]>>();
  for (const key of new Set(entries.map((e) => e.categoryKey!)))
    firstAuthorWorks.set(
      key,
      worksByFirstAuthor(
        entries.filter((e) => e.categoryKey === key).map((e) => ({ entryId: e.id, code: e.code, firstAuthor: e.authors[0] })),
      ),
    );
  return { ruleSet: rs, firstAuthorWorks, priorAwards, layoutOf: (f) => layouts.get(f.sha256), videoOf: (f) => videos.get(f.sha256) };
}

const verdicts = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.id, r.status]));
const message = (results: CheckResult[], id: string) => results.find((r) => r.id === id)?.message ?? '';

const teachers = (...people: [string, string, string?][]): EntryAuthor[] =>
  people.map(([name, unit, role]) => ({ name, unit, role: role ?? null }));

// -------------------------------------------------------------------------------------------

describe('字数 (countWords)', () => {
  it('counts Chinese characters and full-width punctuation one each, and each run of letters or digits once', () => {
    expect(countWords(SENTENCE)).toBe(15);
    expect(countWords('AI赋能教学，2024年')).toBe(8); // AI · 赋能教学 · ， · 2024 · 年
    expect(countWords('Hello world, 3.5 GB！')).toBe(5);
    expect(countWords('“双减”背景下')).toBe(7);
    expect(countWords('  \n\t ')).toBe(0);
  });
});

describe('headings as the notices number them', () => {
  it('finds headings from Word heading styles, bold short lines and numbered lines', async () => {
    const bold = (text: string) => new Paragraph({ children: [new TextRun({ text, bold: true })] });
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph({ text: '区域研修案例' }),
            bold('一、基本情况'),
            new Paragraph({ text: sentences(2) }),
            bold('（二）过程与举措'),
            new Paragraph({ text: '3. 经验与成效' }),
            new Paragraph({ text: `${sentences(1)}特色与创新是后来总结的内容，这一句很长并不是标题。` }),
          ],
        },
      ],
    });
    const { text, html } = await extractText(await Packer.toBuffer(doc), '案例介绍.docx');
    const blocks = documentBlocks({ text, html });
    expect(blocks.filter((b) => b.heading).map((b) => b.text)).toEqual(['一、基本情况', '（二）过程与举措']);
    const rs = rules.training;
    const entry = await entryOf(rs, 'regional-training', {
      title: '区域研修案例',
      files: [{ path: '案例介绍.docx', data: await Packer.toBuffer(doc) }],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(message(results, 'sections:案例介绍')).toBe(
      '案例介绍.docx：缺少“特色与创新”部分（应包含基本情况、过程与举措、经验与成效、特色与创新）',
    );
  });
});

// -------------------------------------------------------------------------------------------

/** A 信息表 PDF of the 教师研修 notices, with its 案例概述 of `summarySentences` × 15 字. */
const infoSheet = (summarySentences: number, extra: string[] = []) =>
  makePdf([
    '案例信息表',
    '案例名称 数字赋能区域研修',
    '作者信息 张三 实验小学',
    '案例类型 区域研修',
    '案例概述（不超过300字）',
    sentences(summarySentences),
    ...extra,
    '作者声明 本人承诺案例真实原创',
  ]);

/** A 案例介绍 with the four required parts, `perSection` sentences each. */
const caseDoc = (perSection: number, headings = ['基本情况', '过程与举措', '经验与成效', '特色与创新'], extra = '') =>
  makeDocx({
    title: '数字赋能区域研修',
    sections: headings.map((heading, i) => ({ heading, paragraphs: [sentences(perSection) + (i === 0 ? extra : '')] })),
  });

describe('rule set 2024-platform-cases-teacher-training · 区域研修应用案例', () => {
  it('passes a complete entry within the limits', async () => {
    const rs = rules.training;
    const entry = await entryOf(rs, 'regional-training', {
      title: '数字赋能区域研修',
      authors: teachers(['张三', '实验小学'], ['李四', '实验小学']),
      files: [
        { path: '案例信息表.pdf', data: infoSheet(10) },
        { path: '案例介绍.docx', data: await caseDoc(45) },
        { path: '支撑材料/研修通知.pdf', data: makePdf(['研修通知']) },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(verdicts(results)).toEqual({
      category: 'pass',
      // The form's 案例名称 matches the entry's title.
      registration: 'pass',
      'authors.count': 'pass',
      'material:信息表': 'pass',
      'filetype:信息表': 'pass',
      'sections:信息表': 'pass',
      'fields:信息表': 'pass',
      'material:案例介绍': 'pass',
      'filetype:案例介绍': 'pass',
      'words:案例介绍': 'pass',
      'sections:案例介绍': 'pass',
      'material:支撑材料': 'pass',
      'filetype:支撑材料': 'pass',
      'total-size': 'pass',
      anonymity: 'pass',
    });
    // 4 × 45 sentences of 15 字, the title (8) and the headings (4 + 5 + 5 + 5).
    expect(message(results, 'words:案例介绍')).toBe('案例介绍.docx：正文约 2,727 字（要求不超过 3,000 字）');
    expect(message(results, 'fields:信息表')).toBe('案例信息表.pdf：“案例概述”约 150 字（不超过 300 字）');
  });

  it('fails too many authors, an over-long case, a missing part and a long 案例概述; warns on names in the blind document', async () => {
    const rs = rules.training;
    const entry = await entryOf(rs, 'regional-training', {
      title: '数字赋能区域研修',
      authors: teachers(
        ['张三', '北京市东城区实验小学'],
        ['李四', '北京市东城区实验小学'],
        ['王五', '北京市东城区实验小学'],
        ['赵六', '北京市东城区实验小学'],
      ),
      files: [
        { path: '案例信息表.pdf', data: infoSheet(21) },
        { path: '案例介绍.docx', data: await caseDoc(70, ['基本情况', '过程与举措', '经验与成效'], '实验小学张三老师牵头组织。') },
        { path: '支撑材料/研修通知.pdf', data: makePdf(['研修通知']), size: 101 * 1024 * 1024 },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(verdicts(results)).toMatchObject({
      'authors.count': 'fail',
      'fields:信息表': 'fail',
      'words:案例介绍': 'fail',
      'sections:案例介绍': 'fail',
      'total-size': 'fail',
      anonymity: 'warn',
    });
    expect(results.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual([
      'authors.count',
      'fields:信息表',
      'words:案例介绍',
      'sections:案例介绍',
      'total-size',
      'anonymity',
    ]);
    expect(message(results, 'authors.count')).toBe('作者 4 人，超过本类别 3 人的限制');
    // 3 × 70 × 15 + 13 + title 8 + headings 14.
    expect(message(results, 'words:案例介绍')).toBe('案例介绍.docx：正文约 3,185 字，超过 3,000 字的要求');
    expect(message(results, 'fields:信息表')).toBe('案例信息表.pdf：“案例概述”约 315 字，超过 300 字');
    expect(message(results, 'sections:案例介绍')).toContain('缺少“特色与创新”部分');
    expect(message(results, 'anonymity')).toBe('案例介绍.docx：出现作者姓名“张三”（1 处）、单位名称“实验小学”（1 处），盲评材料中应隐去');
    expect(message(results, 'total-size')).toMatch(/^全部材料共 101\.\d MB，超过 100 MB 的限制$/);
  });

  it('needs the 工作室主持人 among the authors of an online-studio case', () => {
    const limits = authorLimitsFor(categoryOf(rules.training, 'online-studio'), null);
    const role = (authors: EntryAuthor[]) => checkAuthors(authors, limits, []).find((r) => r.id === 'authors.role')!;
    expect(role(teachers(['张三', '一中', '工作室主持人'], ['李四', '一中', '成员']))).toMatchObject({
      status: 'pass',
      message: '作者中有主持人（张三）',
    });
    expect(role(teachers(['张三', '一中', '成员']))).toMatchObject({ status: 'fail', message: '作者中没有主持人（须包含主持人）' });
    expect(role(teachers(['张三', '一中']))).toMatchObject({ status: 'warn' });
  });
});

// -------------------------------------------------------------------------------------------

const FUJIAN_BODY: Omit<StyledText, 'text'> = { font: '仿宋_GB2312', sizePt: 14 };

/** 案例介绍 of the 创新场景 notice: 内容导图 first, 黑体三号 title, 楷体 headings, 仿宋_GB2312 四号 body. */
function scenarioDoc(
  perSection: number,
  fonts: { title: StyledText; body: Omit<StyledText, 'text'> },
  headings = ['内容导图', '应用过程', '应用成效'],
) {
  return makeStyledDocx({
    title: fonts.title,
    lineSpacing: 1,
    sections: headings.map((h, i) => ({
      heading: { text: `${['一', '二', '三', '四'][i]}、${h}`, font: '楷体_GB2312', sizePt: 14 },
      paragraphs: [{ text: sentences(perSection), ...fonts.body }],
    })),
  });
}

describe('rule set fujian · 创新场景应用', () => {
  const story = (spec: Parameters<typeof makeMp4>[0]) => makeMp4(spec);

  it('passes a case of about 3000 字 in the required fonts with a 1080p digital story under 10 minutes', async () => {
    const rs = rules.fujian;
    const entry = await entryOf(rs, 'innovative-scenarios', {
      title: '平台助学新场景',
      group: '校本应用案例',
      authors: teachers(['陈一', '福州一中'], ['林二', '福州一中']),
      files: [
        { path: '案例信息表（附表7）.pdf', data: makePdf(['常规项目典型案例信息表', '案例名称 平台助学新场景']) },
        {
          path: '案例介绍.docx',
          data: await scenarioDoc(65, { title: { text: '平台助学新场景', font: '黑体', sizePt: 16 }, body: FUJIAN_BODY }),
        },
        {
          path: '数字故事.mp4',
          data: story({
            seconds: 9 * 60 + 30,
            width: 1920,
            height: 1080,
            fps: 25,
            frameBytes: 40_000,
            audioSampleRate: 48000,
            audioFrameBytes: 384,
          }),
        },
        { path: '支撑材料/获奖证书.jpg', data: Buffer.from('jpeg') },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(verdicts(results)).toEqual({
      category: 'pass',
      // The form's 案例名称 matches the entry's title.
      registration: 'pass',
      'authors.count': 'pass',
      'material:信息表': 'pass',
      'filetype:信息表': 'pass',
      'material:案例介绍': 'pass',
      'filetype:案例介绍': 'pass',
      'words:案例介绍': 'pass',
      'sections:案例介绍': 'pass',
      'typeset:案例介绍': 'pass',
      'material:数字故事': 'pass',
      'filetype:数字故事': 'pass',
      'video-duration:数字故事': 'pass',
      'video-picture:数字故事': 'pass',
      'video-encoding:数字故事': 'pass',
      'material:支撑材料': 'pass',
      'filetype:支撑材料': 'pass',
      'material:图表源文件': 'pass',
      'total-size': 'pass',
      anonymity: 'pass',
    });
    expect(message(results, 'video-duration:数字故事')).toBe('数字故事.mp4：时长 9 分 30 秒');
    expect(message(results, 'video-picture:数字故事')).toBe('数字故事.mp4：1920×1080，16:9，25 帧/秒');
    expect(message(results, 'video-encoding:数字故事')).toBe('数字故事.mp4：MP4，视频 H.264，音频 AAC');
  });

  it('warns on a short case in the wrong fonts and on a recommended codec; fails a long 720p story and six support files', async () => {
    const rs = rules.fujian;
    const entry = await entryOf(rs, 'innovative-scenarios', {
      title: '平台助学新场景',
      group: '校本应用案例',
      authors: teachers(['陈一', '福州一中']),
      files: [
        { path: '案例信息表（附表7）.pdf', data: makePdf(['常规项目典型案例信息表']) },
        {
          path: '案例介绍.docx',
          data: await scenarioDoc(30, { title: { text: '平台助学新场景', font: '宋体', sizePt: 22 }, body: { font: '宋体', sizePt: 12 } }, [
            '应用缘由',
            '应用过程',
            '应用成效',
          ]),
        },
        {
          path: '数字故事.mp4',
          data: story({
            seconds: 12 * 60 + 5,
            width: 1280,
            height: 720,
            fps: 25,
            frameBytes: 40_000,
            videoCodec: 'hvc1',
            audioSampleRate: 48000,
          }),
        },
        ...Array.from({ length: 6 }, (_, i) => ({ path: `支撑材料/照片${i + 1}.jpg`, data: Buffer.from(`jpeg${i}`) })),
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.id}=${r.status}`)).toEqual([
      'words:案例介绍=warn',
      'sections:案例介绍=fail',
      'typeset:案例介绍=warn',
      'video-duration:数字故事=fail',
      'video-picture:数字故事=fail',
      'video-encoding:数字故事=warn',
      'material:支撑材料=fail',
    ]);
    // 3 × 30 × 15 + title 7 + headings 3 × 6.
    expect(message(results, 'words:案例介绍')).toBe('案例介绍.docx：正文约 1,375 字，与“3,000 字左右”相差超过 20%');
    expect(message(results, 'typeset:案例介绍')).toBe(
      '案例介绍.docx：标题为 宋体 二号（22 磅），要求 黑体 三号；正文为 宋体 小四（12 磅），要求 仿宋_GB2312 四号',
    );
    expect(message(results, 'video-duration:数字故事')).toBe('数字故事.mp4：时长 12 分 5 秒，超过 10 分钟的限制');
    expect(message(results, 'video-picture:数字故事')).toBe('数字故事.mp4：分辨率 1280×720，要求 1920×1080');
    expect(message(results, 'video-encoding:数字故事')).toBe('数字故事.mp4：视频编码 H.265，建议 H.264');
    expect(message(results, 'material:支撑材料')).toBe('支撑成果的材料 6 个（照片1.jpg、照片2.jpg、照片3.jpg 等 6 个），最多 5 个');
  });

  it('takes a video named otherwise for the one video the category asks for', async () => {
    const rs = rules.fujian;
    const entry = await entryOf(rs, 'regional-training', {
      title: '区域研修',
      files: [{ path: '研修纪实.mp4', data: makeMp4({ seconds: 300, width: 1920, height: 1080 }) }],
    });
    expect(entry.files[0].kind).toBe('视频');
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(results.find((r) => r.id === 'material:数字故事')).toEqual({
      id: 'material:数字故事',
      status: 'pass',
      message: '已提交：研修纪实.mp4',
    });
    expect(message(results, 'material:案例介绍')).toBe('缺少案例介绍文档');
  });

  it('reads a story that is not an MP4 as a failure, naming the file', async () => {
    const rs = rules.fujian;
    const entry = await entryOf(rs, 'innovative-scenarios', {
      title: '平台助学新场景',
      group: '区域应用案例',
      files: [{ path: '数字故事.mp4', data: Buffer.from('RIFF....AVI LIST this is an avi file') }],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(results.find((r) => r.id === 'video-encoding:数字故事')).toEqual({
      id: 'video-encoding:数字故事',
      status: 'fail',
      message: '数字故事.mp4：无法读取视频信息（不是 MP4 文件（无法识别文件结构））',
    });
    expect(results.find((r) => r.id === 'video-duration:数字故事')?.status).toBe('warn');
  });
});

// -------------------------------------------------------------------------------------------

describe('rule set city-platform-application-special', () => {
  it('fails teacher-case authors from two units and an application video over 6 minutes', async () => {
    const rs = rules.city;
    const entry = await entryOf(rs, 'platform-application-cases', {
      title: '国家平台助力课后服务',
      group: '教师案例',
      authors: teachers(['周一', '市实验小学'], ['吴二', '市第二小学']),
      files: [
        { path: '报名表.pdf', data: makePdf(['国家平台应用专项活动报名表']) },
        { path: '案例介绍.docx', data: await caseDoc(20) },
        { path: '应用视频.mp4', data: makeMp4({ seconds: 7 * 60, width: 1920, height: 1080, audioSampleRate: 44100 }) },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(verdicts(results)).toEqual({
      category: 'pass',
      'authors.count': 'pass',
      'authors.unit': 'fail',
      'material:信息表': 'pass',
      'material:案例介绍': 'pass',
      'filetype:案例介绍': 'pass',
      'material:介绍视频': 'pass',
      'filetype:介绍视频': 'pass',
      'video-duration:介绍视频': 'fail',
      'video-picture:介绍视频': 'pass',
      'video-encoding:介绍视频': 'pass',
      // 要求报送案例介绍、应用视频及相关素材: missing, it is a warning to decide on, not a silent pass
      'material:支撑材料': 'warn',
      'total-size': 'pass',
      anonymity: 'pass',
    });
    expect(message(results, 'authors.unit')).toBe('作者须来自同一单位，但 吴二（市第二小学） 与第一作者单位（市实验小学）不同');
    expect(message(results, 'video-duration:介绍视频')).toBe('应用视频.mp4：时长 7 分钟，超过 6 分钟的限制');
  });

  it('asks a school case for its news report and promotion plan and sets no author limit', async () => {
    const rs = rules.city;
    const entry = await entryOf(rs, 'platform-application-cases', {
      title: '全校推进平台应用',
      group: '学校案例',
      authors: teachers(['周一', '市实验小学'], ['吴二', '市实验小学'], ['郑三', '市实验小学']),
      files: [
        { path: '报名表.pdf', data: makePdf(['报名表']) },
        { path: '案例介绍.pdf', data: makePdf(['案例介绍', sentences(3)]) },
        { path: '应用视频.mp4', data: makeMp4({ seconds: 5 * 60, width: 1440, height: 1080 }) },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.id}=${r.status}`)).toEqual([
      'video-picture:介绍视频=fail',
      'material:支撑材料=warn',
      'material:新闻报道=fail',
      'material:推广方案=fail',
    ]);
    expect(results.some((r) => r.id.startsWith('authors.'))).toBe(false);
    expect(message(results, 'video-picture:介绍视频')).toBe(
      '应用视频.mp4：分辨率 1440×1080，要求不低于 1920×1080，画面比例 4:3，要求 16:9',
    );
  });

  it('limits a 双师课堂 lesson to one author', () => {
    const limits = authorLimitsFor(categoryOf(rules.city, 'dual-teacher-lessons'), null);
    expect(checkAuthors(teachers(['周一', '一小'], ['吴二', '一小']), limits, [])).toEqual([
      { id: 'authors.count', status: 'fail', message: '作者 2 人，超过本类别 1 人的限制' },
    ]);
  });
});

// -------------------------------------------------------------------------------------------

describe('rule set 2025-district-digital-literacy · 校本研修案例', () => {
  const summaryReport = (perSection: number) =>
    makeStyledDocx({
      title: { text: '研修总结报告', font: '黑体', sizePt: 16 },
      sections: ['研修概况', '过程与举措', '成果与成效', '经验与创新', '持续改进计划'].map((h, i) => ({
        heading: { text: `${['一', '二', '三', '四', '五'][i]}、${h}`, font: '黑体', sizePt: 16 },
        paragraphs: [{ text: sentences(perSection), font: '仿宋_GB2312', sizePt: 16 }],
      })),
    });
  /** 实施方案 (附件6) in 宋体五号, its 研修主题 `themeSentences` × 15 字. */
  const plan = (themeSentences: number) =>
    makeStyledDocx({
      title: { text: '校本研修实施方案' },
      defaults: { font: '宋体', sizePt: 10.5 },
      sections: (
        [
          ['研修主题', themeSentences],
          ['需求分析', 10],
          ['研修目标', 10],
          ['研修模式与流程', 30],
          ['平台支撑', 5],
          ['预期成果', 5],
          ['考核评价', 10],
          ['特色与创新', 10],
        ] as const
      ).map(([heading, n]) => ({ heading: { text: heading }, paragraphs: [{ text: sentences(n) }] })),
    });
  const form = (keywords: string) =>
    makePdf([
      '校本研修案例信息表',
      '研修主题 小学数学图形运动重难点教学研究',
      `案例关键词 ${keywords}`,
      '作者信息 钱七 第一小学',
      '科目 数学',
      '学段 小学',
      '年级 四年级',
      '课程内容依据 图形的运动',
      '案例概述（不超过300字）',
      sentences(12),
      '作者声明 原创',
      '第一作者所在单位意见 同意',
    ]);

  it('fails five keywords, a 40-字 theme and a report over 2000 字; the PDF form is not typeset-checked', async () => {
    const rs = rules.literacy;
    const entry = await entryOf(rs, 'platform-school-based-training', {
      title: '小学数学图形运动重难点教学研究',
      group: '小学',
      authors: teachers(['钱七', '第一小学']),
      files: [
        { path: '校本研修案例信息表.pdf', data: form('平台、研修、图形、运动、课堂') },
        { path: '校本研修实施方案.docx', data: await plan(3) },
        { path: '研修总结报告.docx', data: await summaryReport(27) },
        { path: '支撑材料.zip', data: Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'latin1') },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.id}=${r.status}`)).toEqual([
      'keywords:信息表=fail',
      'fields:实施方案=fail',
      'words:总结报告=fail',
    ]);
    expect(message(results, 'keywords:信息表')).toBe('校本研修案例信息表.pdf：案例关键词 5 个（平台、研修、图形、运动、课堂），超过 4 个');
    expect(message(results, 'fields:实施方案')).toContain('校本研修实施方案.docx：“研修主题”约 45 字，超过 30 字');
    // 5 × 27 × 15 + title 6 + headings (6 + 7 + 7 + 7 + 8).
    expect(message(results, 'words:总结报告')).toBe('研修总结报告.docx：正文约 2,066 字，超过 2,000 字的要求');
    expect(message(results, 'typeset:总结报告')).toBe('研修总结报告.docx：字体字号符合要求');
    expect(message(results, 'typeset:信息表')).toBe('校本研修案例信息表.pdf：PDF 文件不核对字体字号');
    expect(message(results, 'fields:信息表')).toBe('校本研修案例信息表.pdf：“案例概述”约 180 字（不超过 300 字）');
  });

  it('passes four keywords and a report within 2000 字', async () => {
    const rs = rules.literacy;
    const entry = await entryOf(rs, 'platform-school-based-training', {
      title: '小学数学图形运动重难点教学研究',
      group: '小学',
      authors: teachers(['钱七', '第一小学']),
      files: [
        { path: '校本研修案例信息表.pdf', data: form('平台、研修、图形、运动') },
        { path: '校本研修实施方案.docx', data: await plan(1) },
        { path: '研修总结报告.docx', data: await summaryReport(20) },
        { path: '支撑材料.zip', data: Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'latin1') },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(message(results, 'keywords:信息表')).toBe('校本研修案例信息表.pdf：案例关键词 4 个（平台、研修、图形、运动），不超过 4 个');
  });

  it('fails a 数字化提升 case outside 3000–4000 字 against its material rules', async () => {
    const material = materialsFor(categoryOf(rules.literacy, 'vocational-digital-capability'), null).find((m) => m.kind === '案例介绍')!;
    const file = async (perSection: number) => {
      const data = await caseDoc(perSection, ['案例背景', '主要做法', '取得成效', '经验与不足']);
      const { text, html } = await extractText(data, '案例.docx');
      return {
        id: 1,
        name: '案例.docx',
        path: '案例.docx',
        kind: '案例介绍',
        ext: 'docx',
        size: data.length,
        sha256: sha256Of(data),
        text,
        html,
        error: null,
        parts: [],
        properties: null,
      };
    };
    expect(checkWords(material, [await file(40)])).toMatchObject({
      status: 'fail',
      message: '案例.docx：正文约 2,425 字，少于 3,000 字的要求',
    });
    expect(checkWords(material, [await file(60)])).toMatchObject({
      status: 'pass',
      message: '案例.docx：正文约 3,625 字（要求3,000–4,000 字）',
    });
  });
});

// -------------------------------------------------------------------------------------------

describe('rule set 2024-district-info-teaching-exchange', () => {
  it('fails a title in 《》, a missing 汇总表 and lesson videos over 50 minutes in total', async () => {
    const rs = rules.exchange;
    const entry = await entryOf(rs, 'integrated-innovation-cases', {
      title: '《智慧课堂中的分层作业》',
      group: '初中',
      files: [
        {
          path: '作品登记表.pdf',
          data: makePdf([
            '作品登记表',
            '教学环境设施建设情况',
            sentences(2),
            '课程建设情况',
            sentences(2),
            '教学实施情况及教学效果',
            sentences(2),
            '教学成果、推广情况',
            sentences(2),
            '其他说明 无',
          ]),
        },
        { path: '案例介绍.docx', data: await caseDoc(10, ['教学应用情况', '教学效果']) },
        { path: '教学活动录像1.mp4', data: makeMp4({ seconds: 30 * 60, width: 1280, height: 720 }) },
        { path: '教学活动录像2.mp4', data: makeMp4({ seconds: 25 * 60, width: 1280, height: 720 }) },
        { path: '相关材料.zip', data: Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'latin1') },
      ],
    });
    const results = checkEntry(entry, await contextFor(rs, [entry]));
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.id}=${r.status}`)).toEqual([
      'title=fail',
      'material:汇总表=fail',
      'video-duration:课堂实录视频=fail',
    ]);
    expect(message(results, 'title')).toBe('作品名称“《智慧课堂中的分层作业》”含有“《”“》”，名称中不应使用');
    expect(message(results, 'video-duration:课堂实录视频')).toBe('2 个视频共 55 分钟，超过总计 50 分钟的限制');
    expect(message(results, 'material:汇总表')).toBe('缺少教师教育信息化交流活动汇总表');
    expect(verdicts(results)).toHaveProperty('fields:信息表', 'pass');
  });

  it('checks nothing else for a category that sends its entries straight to the province', async () => {
    const rs = rules.exchange;
    const entry = await entryOf(rs, 'vocational-practical-teaching', { title: '数控车削实训', files: [] });
    expect(checkEntry(entry, await contextFor(rs, [entry]))).toEqual([
      { id: 'category', status: 'fail', message: '“职业教育实践性教学案例”不参与本级评选（专项类·职业教育专项），不应在此报送' },
    ]);
  });

  it("limits a lesson video to 500 MB and a textbook's resources to 1 GB in total", () => {
    const file = (name: string, mb: number): EntryFile => ({
      id: 1,
      name,
      path: name,
      kind: '',
      ext: name.split('.').pop()!,
      size: mb * 1024 * 1024,
      sha256: 'x',
      text: null,
      html: null,
      error: null,
      parts: [],
      properties: null,
    });
    const lesson = categoryOf(rules.exchange, 'vocational-practical-teaching').materials.find((m) => m.kind === '课堂实录视频')!;
    expect(checkSizes(lesson, [file('教学录像.mp4', 612.5)])).toEqual({
      id: 'size:课堂实录视频',
      status: 'fail',
      message: '教学录像.mp4：612.5 MB，超过 500 MB 的限制',
    });
    expect(checkSizes(lesson, [file('教学录像.mp4', 480)])?.status).toBe('pass');
    const resources = categoryOf(rules.exchange, 'vocational-digital-textbook').materials.find((m) => m.kind === '支撑材料')!;
    expect(checkSizes(resources, [file('微课1.mp4', 600), file('微课2.mp4', 500)])).toEqual({
      id: 'size:支撑材料',
      status: 'fail',
      message:
        '配套资源（教学视频、动画、AR/VR、案例、课件、交互式测试题等，逐个上传，不得以压缩包形式提交）共 1100.0 MB，超过总量 1024 MB 的限制',
    });
  });

  it('fails an empty or corrupt file handed in for a required material', () => {
    const infoSheet = categoryOf(rules.fujian, 'regional-training').materials.find((m) => m.kind === '信息表')!;
    const pdf = (size: number, error: string | null): EntryFile => ({
      id: 1,
      name: '信息表.pdf',
      path: '信息表.pdf',
      kind: '信息表',
      ext: 'pdf',
      size,
      sha256: 'x',
      text: null,
      html: null,
      error,
      parts: [],
      properties: null,
    });
    expect(checkFileTypes(infoSheet, [pdf(0, '空文件（0 字节）')], DEFAULT_FORMAT_ALIASES)).toEqual({
      id: 'filetype:信息表',
      status: 'fail',
      message: '信息表.pdf：空文件（0 字节）',
    });
    expect(checkFileTypes(infoSheet, [pdf(2048, null)], DEFAULT_FORMAT_ALIASES)?.status).toBe('pass');
  });

  it('reads frame rate, bitrate and audio of a vocational lesson video against its hard limits', async () => {
    const category = categoryOf(rules.exchange, 'vocational-practical-teaching');
    const material = category.materials.find((m) => m.kind === '课堂实录视频')!;
    const video = (spec: Parameters<typeof makeMp4>[0]) => {
      const data = makeMp4(spec);
      return {
        file: {
          id: 1,
          name: '教学录像.mp4',
          path: '教学录像.mp4',
          kind: '课堂实录视频',
          ext: 'mp4',
          size: data.length,
          sha256: sha256Of(data),
          text: null,
          html: null,
          error: null,
          parts: [],
          properties: null,
        },
        data,
      };
    };
    const good = video({
      seconds: 18 * 60,
      width: 1280,
      height: 720,
      fps: 25,
      frameBytes: 6000,
      audioSampleRate: 48000,
      audioFrameBytes: 384,
    });
    const bad = video({
      seconds: 14 * 60,
      width: 1280,
      height: 720,
      fps: 30,
      frameBytes: 3000,
      audioSampleRate: 44100,
      audioFrameBytes: 256,
    });
    const run = async (v: typeof good) => {
      const info = await probeMp4(v.data);
      return checkVideos(category, material, [v.file], () => info).map((r) => `${r.id}=${r.status}：${r.message}`);
    };
    expect(await run(good)).toEqual([
      'video-duration:课堂实录视频=pass：教学录像.mp4：时长 18 分钟',
      'video-picture:课堂实录视频=pass：教学录像.mp4：1280×720，16:9，25 帧/秒',
      'video-encoding:课堂实录视频=pass：教学录像.mp4：MP4，视频 H.264，音频 AAC',
    ]);
    expect(await run(bad)).toEqual([
      'video-duration:课堂实录视频=fail：教学录像.mp4：时长 14 分钟，短于 15 分钟的要求',
      'video-picture:课堂实录视频=fail：教学录像.mp4：帧率 30 帧/秒，要求 25 帧/秒',
      'video-encoding:课堂实录视频=fail：教学录像.mp4：视频码率 720 kbps，要求不低于 1024 kbps，音频码率 88 kbps，要求 128 kbps，音频采样率 44100 Hz，要求 48000 Hz',
    ]);
  });

  it('fails a second work of the same first author where each may enter one', () => {
    const limits = authorLimitsFor(categoryOf(rules.exchange, 'vocational-practical-teaching'), null);
    const works = worksByFirstAuthor([
      { entryId: 1, code: 'V001', firstAuthor: { name: '孙八', unit: '职教中心', role: null } },
      { entryId: 2, code: 'V002', firstAuthor: { name: '孙 八', unit: '职教中心', role: null } },
      { entryId: 3, code: 'V003', firstAuthor: { name: '孙八', unit: '第二职专', role: null } },
    ]);
    const check = (unit: string) =>
      checkAuthors(teachers(['孙八', unit]), limits, works.get(`孙八|${unit}`)!).find((r) => r.id === 'authors.works')!;
    expect(check('职教中心')).toEqual({
      id: 'authors.works',
      status: 'fail',
      message: '第一作者 孙八（职教中心） 在本类别共报送 2 件作品（V001、V002），每人限 1 件',
    });
    expect(check('第二职专').status).toBe('pass');
  });
});

// -------------------------------------------------------------------------------------------

describe('typesetting read from the .docx', () => {
  it('resolves fonts from document defaults and styles, and treats 仿宋 and FangSong_GB2312 as one family', async () => {
    const data = await makeStyledDocx({
      title: { text: '标题', font: '黑体', sizePt: 16 },
      defaults: { font: '仿宋_GB2312', sizePt: 14 },
      sections: [{ heading: { text: '一、概况', font: '楷体_GB2312', sizePt: 14 }, paragraphs: [{ text: sentences(3) }] }],
    });
    const layout = await readDocxLayout(data);
    expect(layout.body).toEqual({ font: '仿宋_GB2312', sizePt: 14, bold: false, share: 1 });
    expect(layout.headings[0]).toMatchObject({ font: '楷体_GB2312', sizePt: 14 });
    expect(sameFont('FangSong_GB2312', '仿宋')).toBe(true);
    expect(sameFont('宋体', '仿宋_GB2312')).toBe(false);
  });
});

describe('往届获奖名单 (history)', () => {
  async function priorList(rows: (string | number)[][]) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('获奖名单');
    ws.addRow(['2023年获奖作品名单']);
    ws.addRow(['序号', '作品名称', '作者', '单位', '年份', '奖项']);
    rows.forEach((r, i) => {
      ws.addRow([i + 1, ...r]);
    });
    return readPriorAwards(Buffer.from(await wb.xlsx.writeBuffer()), '往届获奖名单.xlsx');
  }

  it('fails the same work by the same author, shows near matches to a person and passes unrelated works', async () => {
    const prior = await priorList([
      ['《依托平台的校本研修实践》', '张三、李四', '实验小学', 2023, '一等奖'],
      ['智慧课堂分层作业设计', '王五', '第二中学', 2022, '二等奖'],
    ]);
    expect(prior[0]).toEqual({
      title: '《依托平台的校本研修实践》',
      authors: ['张三', '李四'],
      unit: '实验小学',
      year: '2023',
      award: '一等奖',
    });
    const me = teachers(['李四', '实验小学']);
    expect(checkHistory('依托平台的校本研修实践', me, prior)).toEqual({
      id: 'history',
      status: 'fail',
      message: '与往届获奖作品相同：2023年“《依托平台的校本研修实践》”（张三、李四，实验小学，一等奖）',
    });
    expect(checkHistory('依托平台的校本研修实践', teachers(['赵六', '三中']), prior)).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('名称相同，作者不同'),
    });
    expect(checkHistory('智慧课堂分层作业设计与实践', teachers(['王五', '第二中学']), prior)).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('共同作者 王五'),
    });
    expect(checkHistory('数字赋能区域研修', me, prior)).toEqual({
      id: 'history',
      status: 'pass',
      message: '未在往届获奖名单（2 件）中找到相同或相近的作品',
    });
  });

  it('names the file when the list has no title column', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['甲', '乙']);
    await expect(readPriorAwards(Buffer.from(await wb.xlsx.writeBuffer()), '名单.xlsx')).rejects.toThrow(
      '名单.xlsx：前 10 行中找不到“作品名称”列',
    );
  });
});

describe('anonymity', () => {
  it('finds a school by its full name and without its place names, counting a full name once', () => {
    const file = {
      id: 1,
      name: '案例介绍.docx',
      path: '案例介绍.docx',
      kind: '案例介绍',
      ext: 'docx',
      size: 1,
      sha256: 'x',
      html: null,
      error: null,
      parts: [],
      properties: null,
    };
    const authors = teachers(['刘九', '福州市鼓楼区实验小学']);
    const warned = (text: string) => checkAnonymity(authors, [{ ...file, text }])?.message;
    expect(warned('福州市鼓楼区实验小学的老师们')).toBe('案例介绍.docx：出现单位名称“福州市鼓楼区实验小学”（1 处），盲评材料中应隐去');
    expect(warned('福州市鼓楼区 实验小学的老师们……实验小学的刘 九')).toBe(
      '案例介绍.docx：出现作者姓名“刘九”（1 处）、单位名称“福州市鼓楼区实验小学”（1 处）、单位名称“实验小学”（2 处），盲评材料中应隐去',
    );
    expect(checkAnonymity(authors, [{ ...file, text: '某校老师们' }])).toEqual({
      id: 'anonymity',
      status: 'pass',
      message: '1 份盲评文档中未发现作者姓名或单位名称',
    });
  });
});
