import { z } from 'zod';
import { UNIT_KINDS } from '../units/tree.ts';
import { normalizeLabel } from './match.ts';

/**
 * The rule set of one competition notice: categories, required materials, limits,
 * award bands, rubric, judging and similarity settings. Plain data read by generic
 * code (eligibility, similarity, judging, awards); nothing here is contest-specific.
 */

/** Kinds of submitted material. Notices use many names for the same thing; `Material.name` keeps the notice's own. */
export const MATERIAL_KINDS = [
  '信息表', // 案例信息表, 作品登记表, 报名表, 申报表
  '汇总表',
  '案例介绍', // the main case document (案例介绍文档, 案例报告, 案例主体内容)
  '案例概述', // a short summary document (案例简介, 教材介绍)
  '总结报告',
  '实施方案',
  '实施报告',
  '教学设计', // 教学设计方案, 教案
  '说明文档', // 相关说明文档, 设计说明, 空间访问说明
  '课件',
  '作品', // the work itself: learning resource, software, app
  '数字教材',
  '教材目录',
  '课堂实录视频', // 教学活动录像, 课堂教学实录, 教学视频
  '演示视频',
  '介绍视频', // 应用视频, 专题介绍视频
  '数字故事',
  '支撑材料', // 相关材料, 辅助材料, 资源包, 配套资源, 相关素材
  '新闻报道',
  '推广方案',
  '图表源文件',
  '承诺书',
  '其他',
] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** Chinese font sizes (字号) in points. */
export const CHINESE_FONT_SIZES = {
  初号: 42,
  小初: 36,
  一号: 26,
  小一: 24,
  二号: 22,
  小二: 18,
  三号: 16,
  小三: 15,
  四号: 14,
  小四: 12,
  五号: 10.5,
  小五: 9,
  六号: 7.5,
  小六: 6.5,
  七号: 5.5,
  八号: 5,
} as const;
export type ChineseFontSize = keyof typeof CHINESE_FONT_SIZES;

/** A size given as 字号 (三号) or in points. */
export const fontSizePt = (size: ChineseFontSize | number): number => (typeof size === 'number' ? size : CHINESE_FONT_SIZES[size]);

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: '须为小写英文字母、数字和连字符组成的标识（如 school-based）' });
const text = z.string().trim().min(1, { error: '不能为空' });
const extension = z.string().regex(/^[a-z0-9]+$/, { error: '扩展名用小写字母和数字，不带点（如 docx）' });
const ratio = z.number().gt(0, { error: '须大于 0' }).lte(1, { error: '不能超过 1（写作小数，如 0.1 表示 10%）' });
const positive = z.number().positive({ error: '须大于 0' });
const count = z.number().int({ error: '须为整数' }).nonnegative({ error: '不能为负数' });

/** A list item written either as a bare name or as an object with more detail. */
const named = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), z.strictObject({ name: text, ...shape }));

const regexSource = z.string().refine(
  (s) => {
    try {
      new RegExp(s, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { error: '不是有效的正则表达式' },
);

const fontSpec = z.strictObject({
  font: text.optional(),
  size: z.union([z.enum(Object.keys(CHINESE_FONT_SIZES) as [ChineseFontSize, ...ChineseFontSize[]]), positive]).optional(),
  bold: z.boolean().optional(),
  /** 单倍行距 = 1 */
  lineSpacing: positive.optional(),
});

/** Typesetting hints: checked as warnings unless `warnOnly` is false. */
const formatHints = z.strictObject({
  title: fontSpec.optional(),
  body: fontSpec.optional(),
  /** Heading styles by level: [一级, 二级, 三级 …]. */
  headings: z.array(fontSpec).optional(),
  captions: fontSpec.optional(),
  maxHeadingLevel: z.number().int().min(1).max(9).optional(),
  warnOnly: z.boolean().default(true),
});

/** 字数: characters other than whitespace. `about` means "N 字左右", accepted within ±tolerance. */
const wordLimit = z.strictObject({
  min: count.optional(),
  max: count.optional(),
  about: count.optional(),
  tolerance: ratio.default(0.2),
  warnOnly: z.boolean().default(false),
});

/** A heading the document must contain, or a field of a form (信息表, 实施方案) with its own length limit. */
const section = named({
  aliases: z.array(text).default([]),
  required: z.boolean().default(true),
  minChars: count.optional(),
  maxChars: count.optional(),
});

const videoLimitFields = {
  containers: z.array(text).optional(),
  minMinutes: positive.optional(),
  maxMinutes: positive.optional(),
  /** All videos of the kind together (时间总计不超过50分钟). */
  maxTotalMinutes: positive.optional(),
  resolution: z
    .strictObject({
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      mode: z.enum(['min', 'exact']).default('min'),
    })
    .optional(),
  /** e.g. '16:9' */
  aspect: z
    .string()
    .regex(/^\d+:\d+$/, { error: '画面比例应写作 16:9 的形式' })
    .optional(),
  videoCodecs: z.array(text).optional(),
  audioCodecs: z.array(text).optional(),
  frameRate: positive.optional(),
  minBitrateKbps: positive.optional(),
  audioBitrateKbps: positive.optional(),
  audioSampleRateHz: positive.optional(),
};
/** Hard limits; `recommended` holds what the notice only suggests (建议), checked as warnings. */
const videoLimits = z.strictObject({ ...videoLimitFields, recommended: z.strictObject(videoLimitFields).optional() });

const material = z.strictObject({
  kind: z.enum(MATERIAL_KINDS),
  /** The notice's own name for it, e.g. 案例信息表（附表6）. */
  name: text.optional(),
  required: z.boolean().default(true),
  /**
   * What a missing required material is: 'fail', or 'warn' where the notice requires it but leaves room (its
   * own package list omits it): a visible warning the organizer decides on, never a silent pass.
   */
  missing: z.enum(['fail', 'warn']).default('fail'),
  /** Allowed extensions, lower case, without dot. Empty: any. */
  formats: z.array(extension).default([]),
  minCount: count.optional(),
  maxCount: count.optional(),
  maxSizeMb: positive.optional(),
  /** Limit on all files of this kind together (支撑材料总量不超过100M). */
  totalSizeMb: positive.optional(),
  /** Regular expressions (case-insensitive) on the path inside the entry folder that identify this kind. */
  patterns: z.array(regexSource).default([]),
  words: wordLimit.optional(),
  sections: z.array(section).default([]),
  /** The form field listing keywords (案例关键词) and how many are allowed. */
  keywords: z.strictObject({ field: text, max: z.number().int().positive() }).optional(),
  format: formatHints.optional(),
  /** Extends the category's `video` limits for files of this kind. */
  video: videoLimits.optional(),
  note: text.optional(),
});

const authorLimits = z.strictObject({
  min: z.number().int().positive().optional(),
  max: z.number().int().positive().optional(),
  /** All authors from the first author's unit (须来自同一单位). */
  sameUnit: z.boolean().default(false),
  maxFromSameUnit: z.number().int().positive().optional(),
  /** One author must have this role, e.g. 工作室主持人. */
  requiredRole: text.optional(),
  /** Entries per first author in this category (每位教师限报1件). */
  maxWorksPerFirstAuthor: z.number().int().positive().optional(),
});

const group = named({
  aliases: z.array(text).default([]),
  /** Replaces the category's author limits for this group. */
  authors: authorLimits.optional(),
  /** Materials required in addition for this group (单位案例增加宣传报道、推广方案). */
  materials: z.array(material).default([]),
});

const band = z.strictObject({ name: text, ratio });

const awardBands = z.strictObject({
  /** Highest first: 一等奖, 二等奖, 三等奖. Ratios are of the denominator, each band its own share. */
  bands: z.array(band).min(1, { error: '至少要有一个奖项等级' }),
  /** 'valid': entries that passed eligibility (有效作品数); 'submitted': all entries received. */
  denominator: z.enum(['valid', 'submitted']).default('valid'),
  /** 'cumulative-floor': bands 1..k together get ⌊N·Σratio₁..k⌋; 'half-up': the same running totals rounded half up. */
  rounding: z.enum(['cumulative-floor', 'half-up']).default('cumulative-floor'),
  atLeastOneFirst: z.boolean().default(false),
  /** Compute bands separately within each group (学段); a category without groups is one group. */
  perGroup: z.boolean().default(false),
  /** The notice names no ratios: these are sensible defaults the organizer should confirm. */
  editableDefault: z.boolean().default(false),
});

const level = z.strictObject({
  label: text,
  min: z.number().nonnegative(),
  max: z.number().nonnegative(),
  text: text.optional(),
  /** The score a click on this level sets (a notice that gives one value per level, e.g. 优秀 = 20). */
  score: z.number().nonnegative().optional(),
});
const scaleStep = z.strictObject({ label: text, from: z.number().min(0).max(1), text: text.optional() });

const criterion = z.strictObject({
  key: slug,
  name: text,
  max: positive,
  description: text.optional(),
  /** Level descriptors in points; without them the rubric's `scale` applies. */
  levels: z.array(level).optional(),
});

const DEFAULT_SCALE = [
  { label: '优秀', from: 0.85, text: '全面达到要求，特色鲜明，可供推广' },
  { label: '良好', from: 0.7, text: '较好达到要求，有一定特色' },
  { label: '合格', from: 0.6, text: '基本达到要求' },
  { label: '不合格', from: 0, text: '未达到要求' },
];

const rubric = z.strictObject({
  criteria: z.array(criterion).min(1, { error: '评分标准至少要有一项' }),
  /** Generic levels as fractions of a criterion's maximum, highest first. */
  scale: z.array(scaleStep).min(1).default(DEFAULT_SCALE),
  /** The notice gives no points: these are defaults the organizer should confirm. */
  editableDefault: z.boolean().default(false),
  /** Scores are multiples of this: whole points (1) unless the notice allows halves (0.5). */
  step: z.number().positive({ error: '须大于 0' }).default(1),
  /**
   * What a click on a level does: 'band' (default) selects the level's band and the expert types a score inside it;
   * 'top' sets the band's highest score. A level's own `score` is set whatever this says.
   */
  levelClick: z.enum(['band', 'top']).default('band'),
});

const quota = z.strictObject({
  name: text,
  /**
   * What one quota counts: each county-level unit (the units right under the contest's root: 区县, 开发区, 市管学校,
   * or 省 at the national level), each school, each unit of the kinds in `unitKinds`, or the whole contest.
   * `unit` is the former name of `school`.
   */
  per: z.preprocess((v) => (v === 'unit' ? 'school' : v), z.enum(['county', 'school', 'unit-kind', 'contest'])),
  /** For `per: unit-kind` (and to narrow the others): the kinds of unit this quota applies to. */
  unitKinds: z.array(z.enum(UNIT_KINDS)).default([]),
  max: z.number().int().positive(),
  /** Applies only to units whose name matches this case-insensitive regex; the first quota that fits an entry wins. */
  match: regexSource.optional(),
  /** Category keys counted; empty: all. */
  categories: z.array(slug).default([]),
  /** Groups not counted (不占用推优名额). */
  exemptGroups: z.array(text).default([]),
  /** Category keys not counted. */
  exemptCategories: z.array(slug).default([]),
  /**
   * False (the default): a limit on what a unit sends, checked when its entries arrive. True: a prize quota,
   * ranked within each unit after judging (名额内按得分推优).
   */
  prize: z.boolean().default(false),
  /** The notice does not state this quota: a default the organizer should confirm. */
  editableDefault: z.boolean().default(false),
  note: text.optional(),
});

/**
 * A date and time in Asia/Shanghai: `2024-08-20` (the end of that day), `2024-08-20 17:00`, or `08-20` when
 * the notice gives no year (the contest's year is taken, and the date is shown as an editable default).
 */
const stageTime = z.string().regex(/^(\d{4}-)?\d{1,2}-\d{1,2}( \d{1,2}:\d{2})?$/, {
  error: '日期应写作 2024-08-20、2024-08-20 17:00 或 08-20（通知未写年份时）',
});

/** A stage of the notice's chain of levels (作品上传 → 校级推荐 → 区县推优 → 市级交流). */
const stage = z.strictObject({
  key: slug,
  name: text,
  /** Entries reach this contest in this stage: imports and uploads after `closes` are 逾期. */
  intake: z.boolean().default(false),
  /** The kinds of submitting unit this stage's deadline applies to; empty: every unit (and entries without one). */
  units: z.array(z.enum(UNIT_KINDS)).default([]),
  opens: stageTime.optional(),
  closes: stageTime.optional(),
  /** The notice gives no date for it (or only a period such as 8月下旬): the organizer sets it. */
  editableDefault: z.boolean().default(false),
  /** Categories this stage concerns (e.g. those recommended on to the next level); a package takes these by default. */
  categories: z.array(slug).default([]),
  note: text.optional(),
});

const judging = z.strictObject({
  reviewersPerEntry: z.number().int().min(1).max(20).default(3),
  /** 'trimmed-mean' drops the highest and the lowest score (meant for 5 reviewers). */
  aggregation: z.enum(['mean', 'trimmed-mean']).default('mean'),
  /** Scores of one entry further apart than this share of full marks are flagged for discussion. */
  spreadThreshold: ratio.default(0.2),
});

const similarity = z.strictObject({
  /** Entries at or above this duplicate rate are flagged (重复率须低于30%). */
  threshold: ratio.default(0.3),
  /** Shortest shared run of characters counted as copied. */
  minMatch: z.number().int().min(2).default(13),
  documentKinds: z.array(z.enum(MATERIAL_KINDS)).min(1).default(['案例介绍']),
  /** Text every entrant was given (template headings, form prompts), never counted as copied. */
  templateText: z.array(text).default([]),
});

const suspects = z.strictObject({
  /** 一稿多投 / 相似主题: pairs of entries whose combined signals (0–1) reach this are suspects. */
  threshold: ratio.default(0.7),
});

const category = z.strictObject({
  key: slug,
  name: text,
  /** Other names entrants use for it in folder names or forms. */
  aliases: z.array(text).default([]),
  /** Where the notice places it, e.g. 常规项目·基础教育组. */
  division: text.optional(),
  description: text.optional(),
  /** False when the notice sends these entries elsewhere (直接参加省级活动，不参与区级评选). */
  acceptsEntries: z.boolean().default(true),
  /** What the groups are called: 学段, 组别 … */
  groupLabel: text.default('学段'),
  groups: z.array(group).default([]),
  /**
   * An entry whose group is not among `groups`: 'warn' (the organizer checks it) or 'fail' where the notice
   * limits the category to those groups (基础教育专项（仅面向义务教育阶段）).
   */
  otherGroups: z.enum(['warn', 'fail']).default('warn'),
  authors: authorLimits.prefault({}),
  title: z
    .strictObject({ forbiddenChars: z.array(z.string().min(1)).default([]), maxChars: z.number().int().positive().optional() })
    .optional(),
  materials: z.array(material).min(1, { error: '至少要列出一种报送材料' }),
  /** Size of the whole entry; `warnOnly` when the notice only suggests it (建议不超过). */
  totalSize: z.strictObject({ maxMb: positive, warnOnly: z.boolean().default(false) }).optional(),
  /** Limits for every video of the entry; a material's own `video` extends them. */
  video: videoLimits.optional(),
  /** Defaults to the rule set's `awards`. */
  awards: awardBands.optional(),
  /** Criterion keys compared, in order, when totals tie. */
  tieBreak: z.array(slug).default([]),
  rubric,
  /** Checks only a person can make (形式审查 items). */
  checklist: z.array(text).default([]),
});

/**
 * Formats accepted wherever one of the formats they stand for is: WPS Office saves Word, Excel and
 * PowerPoint documents under its own extensions, and most Chinese teachers use it.
 */
export const DEFAULT_FORMAT_ALIASES: Record<string, string[]> = {
  wps: ['doc', 'docx'],
  wpt: ['dot', 'dotx'],
  et: ['xls', 'xlsx'],
  ett: ['xlt', 'xltx'],
  dps: ['ppt', 'pptx'],
  dpt: ['pot', 'potx'],
};

const ruleSetInput = z.strictObject({
  version: z.literal(1),
  contest: z.strictObject({
    name: text,
    notice: z.strictObject({
      /** File id under shared/seeds, e.g. 000_a5148b8b8c20e1e3. */
      seed: text,
      title: text.optional(),
      issuer: text.optional(),
      year: z.number().int().min(2000).max(2100).optional(),
    }),
  }),
  blind: z.boolean().default(true),
  /** Extension → the formats it counts as (`wps: [doc, docx]`); replaces the defaults when given. */
  formatAliases: z.record(extension, z.array(extension).min(1)).default(DEFAULT_FORMAT_ALIASES),
  /** 资格审定 items that apply to every category. */
  checklist: z.array(text).default([]),
  submission: z
    .strictObject({
      /** Folder levels of a submission, outermost first, e.g. [学段+学校+教师姓名, 参赛项目, 作品名称]. */
      folderLayout: z.array(text).default([]),
      archiveFormats: z.array(text).default([]),
      note: text.optional(),
    })
    .optional(),
  awards: awardBands,
  judging: judging.prefault({}),
  similarity: similarity.prefault({}),
  suspects: suspects.prefault({}),
  quotas: z.array(quota).default([]),
  /** The chain of levels in order, with their dates (Asia/Shanghai). */
  stages: z.array(stage).default([]),
  categories: z.array(category).min(1, { error: '至少要有一个项目类别' }),
});

type RuleSetInput = z.output<typeof ruleSetInput>;
type Path = (string | number)[];
type Issue = { message: string; path: Path };

/** Index and value of every item that repeats an earlier one. */
const repeats = <T>(values: T[]): [number, T][] => values.flatMap((v, i) => (values.indexOf(v) !== i ? [[i, v] as [number, T]] : []));

function checkVideo(v: z.output<typeof videoLimits> | undefined, at: Path, issues: Issue[]) {
  if (v?.minMinutes !== undefined && v.maxMinutes !== undefined && v.minMinutes > v.maxMinutes)
    issues.push({ path: [...at, 'minMinutes'], message: `最短时长 ${v.minMinutes} 分钟大于最长时长 ${v.maxMinutes} 分钟` });
}

function checkMaterials(materials: z.output<typeof material>[], at: Path, issues: Issue[]) {
  materials.forEach((m, i) => {
    const p = [...at, i];
    if (m.minCount !== undefined && m.maxCount !== undefined && m.minCount > m.maxCount)
      issues.push({ path: [...p, 'minCount'], message: `最少数量 ${m.minCount} 大于最多数量 ${m.maxCount}` });
    if (m.required && m.maxCount === 0) issues.push({ path: [...p, 'maxCount'], message: '必交材料的最多数量不能为 0' });
    if (m.words) {
      const { min, max, about } = m.words;
      if (min === undefined && max === undefined && about === undefined)
        issues.push({ path: [...p, 'words'], message: '字数要求须给出 min、max 或 about 之一' });
      if (min !== undefined && max !== undefined && min > max)
        issues.push({ path: [...p, 'words', 'min'], message: `最少字数 ${min} 大于最多字数 ${max}` });
    }
    m.sections.forEach((s, j) => {
      if (s.minChars !== undefined && s.maxChars !== undefined && s.minChars > s.maxChars)
        issues.push({ path: [...p, 'sections', j, 'minChars'], message: `最少字数 ${s.minChars} 大于最多字数 ${s.maxChars}` });
    });
    for (const [j, name] of repeats(m.sections.map((s) => s.name)))
      issues.push({ path: [...p, 'sections', j], message: `章节“${name}”重复` });
    checkVideo(m.video, [...p, 'video'], issues);
  });
}

function checkBands(awards: z.output<typeof awardBands>, at: Path, issues: Issue[]) {
  const total = awards.bands.reduce((s, b) => s + b.ratio, 0);
  if (total > 1 + 1e-9) issues.push({ path: [...at, 'bands'], message: `各奖项比例之和为 ${+total.toFixed(4)}，不能超过 1` });
  for (const [i, name] of repeats(awards.bands.map((b) => b.name)))
    issues.push({ path: [...at, 'bands', i, 'name'], message: `奖项“${name}”重复` });
}

/** Rules zod cannot express field by field: uniqueness, sums and references between fields. */
function crossCheck(rs: RuleSetInput): Issue[] {
  const issues: Issue[] = [];
  const cats = rs.categories;
  for (const [i, key] of repeats(cats.map((c) => c.key))) issues.push({ path: ['categories', i, 'key'], message: `类别标识“${key}”重复` });
  // A folder name must lead to one category only.
  const labels = cats.flatMap((c, i) => [c.name, ...c.aliases].map((l) => ({ i, label: normalizeLabel(l) })));
  for (const [j, label] of repeats(labels.map((l) => l.label)))
    issues.push({ path: ['categories', labels[j].i], message: `类别名称或别名“${label}”出现在多个类别中` });
  checkBands(rs.awards, ['awards'], issues);

  cats.forEach((c, ci) => {
    const at = ['categories', ci];
    const crit = c.rubric.criteria;
    if (!(crit.reduce((s, k) => s + k.max, 0) > 0))
      issues.push({ path: [...at, 'rubric', 'criteria'], message: '评分标准满分之和须大于 0' });
    for (const [i, key] of repeats(crit.map((k) => k.key)))
      issues.push({ path: [...at, 'rubric', 'criteria', i, 'key'], message: `评分项标识“${key}”重复` });
    const step = c.rubric.step;
    const offStep = (x: number) => Math.abs(x / step - Math.round(x / step)) > 1e-6;
    crit.forEach((k, ki) => {
      k.levels?.forEach((l, li) => {
        if (l.min > l.max || l.max > k.max)
          issues.push({
            path: [...at, 'rubric', 'criteria', ki, 'levels', li],
            message: `分数段 ${l.min}–${l.max} 须在 0–${k.max} 之内且下限不大于上限`,
          });
        if (l.score !== undefined && (l.score < l.min || l.score > l.max || offStep(l.score)))
          issues.push({
            path: [...at, 'rubric', 'criteria', ki, 'levels', li, 'score'],
            message: `等级分 ${l.score} 须在分数段 ${l.min}–${l.max} 之内，且为 ${step} 的倍数`,
          });
      });
    });
    crit.forEach((k, ki) => {
      if (offStep(k.max))
        issues.push({ path: [...at, 'rubric', 'criteria', ki, 'max'], message: `满分 ${k.max} 须为评分步长 ${step} 的倍数` });
    });
    const froms = c.rubric.scale.map((s) => s.from);
    if (froms.some((f, i) => i > 0 && f >= froms[i - 1]))
      issues.push({ path: [...at, 'rubric', 'scale'], message: '等级须从高到低排列，from 逐级递减' });
    c.tieBreak.forEach((key, ti) => {
      if (!crit.some((k) => k.key === key)) issues.push({ path: [...at, 'tieBreak', ti], message: `评分标准中没有评分项“${key}”` });
    });
    if (c.awards) checkBands(c.awards, [...at, 'awards'], issues);
    const groupLabels = c.groups.flatMap((g, i) => [g.name, ...g.aliases].map((l) => ({ i, label: normalizeLabel(l) })));
    for (const [j, label] of repeats(groupLabels.map((l) => l.label)))
      issues.push({ path: [...at, 'groups', groupLabels[j].i], message: `组别名称或别名“${label}”重复` });
    const a = c.authors;
    if (a.min !== undefined && a.max !== undefined && a.min > a.max)
      issues.push({ path: [...at, 'authors', 'min'], message: `最少作者数 ${a.min} 大于最多作者数 ${a.max}` });
    checkVideo(c.video, [...at, 'video'], issues);
    checkMaterials(c.materials, [...at, 'materials'], issues);
    c.groups.forEach((g, gi) => {
      checkMaterials(g.materials, [...at, 'groups', gi, 'materials'], issues);
    });
    // Files are matched to a kind, so each kind appears once in what an entry must hand in.
    const checkKinds = (extras: z.output<typeof material>[], extrasAt: Path) => {
      const kinds = [...c.materials, ...extras].map((m) => m.kind);
      for (const [i, kind] of repeats(kinds)) {
        const path = i < c.materials.length ? [...at, 'materials', i, 'kind'] : [...extrasAt, i - c.materials.length, 'kind'];
        issues.push({ path, message: `材料类型“${kind}”重复` });
      }
    };
    checkKinds([], []);
    c.groups.forEach((g, gi) => {
      checkKinds(g.materials, [...at, 'groups', gi, 'materials']);
    });
  });

  if (rs.judging.aggregation === 'trimmed-mean' && rs.judging.reviewersPerEntry < 3)
    issues.push({ path: ['judging', 'reviewersPerEntry'], message: '去掉最高分和最低分的平均（trimmed-mean）至少需要 3 位评审' });

  rs.quotas.forEach((q, qi) => {
    q.categories.forEach((key, ki) => {
      if (!cats.some((c) => c.key === key)) issues.push({ path: ['quotas', qi, 'categories', ki], message: `没有标识为“${key}”的类别` });
    });
    q.exemptGroups.forEach((name, gi) => {
      if (!cats.some((c) => c.groups.some((g) => g.name === name)))
        issues.push({ path: ['quotas', qi, 'exemptGroups', gi], message: `没有名为“${name}”的组别` });
    });
    q.exemptCategories.forEach((key, ki) => {
      if (!cats.some((c) => c.key === key))
        issues.push({ path: ['quotas', qi, 'exemptCategories', ki], message: `没有标识为“${key}”的类别` });
    });
    if (q.per === 'unit-kind' && q.unitKinds.length === 0)
      issues.push({ path: ['quotas', qi, 'unitKinds'], message: 'per: unit-kind 须列出适用的单位类型（如 [开发区]）' });
  });
  for (const [i, key] of repeats(rs.stages.map((st) => st.key)))
    issues.push({ path: ['stages', i, 'key'], message: `阶段标识“${key}”重复` });
  rs.stages.forEach((st, i) => {
    st.categories.forEach((key, ki) => {
      if (!cats.some((c) => c.key === key)) issues.push({ path: ['stages', i, 'categories', ki], message: `没有标识为“${key}”的类别` });
    });
    if (st.opens && st.closes && st.opens.length === st.closes.length && st.opens > st.closes)
      issues.push({ path: ['stages', i, 'opens'], message: `开始时间 ${st.opens} 晚于截止时间 ${st.closes}` });
  });
  return issues;
}

/** Validates a rule set and gives each category its effective award bands. */
export const ruleSetSchema = ruleSetInput
  .superRefine((rs, ctx) => {
    for (const issue of crossCheck(rs)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((rs) => ({ ...rs, categories: rs.categories.map((c) => ({ ...c, awards: c.awards ?? rs.awards })) }));

export type RuleSet = z.output<typeof ruleSetSchema>;
export type CategoryRules = RuleSet['categories'][number];
export type Material = z.output<typeof material>;
export type Section = z.output<typeof section>;
export type WordLimit = z.output<typeof wordLimit>;
export type FormatHints = z.output<typeof formatHints>;
export type FontSpec = z.output<typeof fontSpec>;
export type VideoLimits = z.output<typeof videoLimits>;
export type AuthorLimits = z.output<typeof authorLimits>;
export type Group = z.output<typeof group>;
export type AwardBands = z.output<typeof awardBands>;
export type AwardBand = z.output<typeof band>;
export type Rubric = z.output<typeof rubric>;
export type RubricCriterion = z.output<typeof criterion>;
export type RubricLevel = z.output<typeof level>;
export type Quota = z.output<typeof quota>;
export type Stage = z.output<typeof stage>;
export type JudgingSettings = z.output<typeof judging>;
export type SimilaritySettings = z.output<typeof similarity>;
export type SuspectSettings = z.output<typeof suspects>;

/** A criterion's level descriptors in points: its own, or the rubric's scale applied to its maximum. */
export function criterionLevels(r: Rubric, c: RubricCriterion): RubricLevel[] {
  if (c.levels) return c.levels;
  return r.scale.map((s, i) => {
    const upper = i === 0 ? c.max : r.scale[i - 1].from * c.max;
    return { label: s.label, min: +(s.from * c.max).toFixed(2), max: +upper.toFixed(2), text: s.text };
  });
}

/** What a contest shows as its rule set's name: the notice's title, else the contest name the rule set gives. */
export const ruleSetTitle = (r: RuleSet): string => r.contest.notice.title ?? r.contest.name;

/** Full marks of a category's rubric. */
export const rubricMax = (r: Rubric): number => r.criteria.reduce((s, c) => s + c.max, 0);

/** Whether a file's extension is a format the material accepts, itself or through an alias (.wps for .doc/.docx). */
export function acceptsFormat(m: Material, ext: string, aliases: Record<string, string[]>): boolean {
  if (m.formats.length === 0 || m.formats.includes(ext)) return true;
  return (aliases[ext] ?? []).some((f) => m.formats.includes(f));
}

/** The materials an entry of `groupName` must be checked against: the category's plus its group's. */
export function materialsFor(c: CategoryRules, groupName?: string | null): Material[] {
  const g = c.groups.find((x) => x.name === groupName);
  return g ? [...c.materials, ...g.materials] : c.materials;
}

/** Author limits for an entry of `groupName`. */
export function authorLimitsFor(c: CategoryRules, groupName?: string | null): AuthorLimits {
  return c.groups.find((x) => x.name === groupName)?.authors ?? c.authors;
}

/** Video limits for files of material `m`: the category's, with the material's own on top. */
export function videoLimitsFor(c: CategoryRules, m: Material): VideoLimits | undefined {
  if (!c.video || !m.video) return m.video ?? c.video;
  const recommended = c.video.recommended || m.video.recommended ? { ...c.video.recommended, ...m.video.recommended } : undefined;
  return { ...c.video, ...m.video, recommended };
}
