/**
 * One name per thing: the Chinese words for casejury's stages, pages, lists and states. Pages (tabs, headings,
 * buttons), the command line and the exports take them from here, so a thing is called the same wherever a person
 * meets it, and a rename happens in one place.
 */
export const TERMS = {
  overview: '概况',
  entries: '作品',
  imports: '导入',
  eligibility: '形式审查',
  /** The eligibility check's outcome for an entry (通过 / 需核对 / 不通过 / 未检查). */
  verdict: '审查结果',
  similarity: '查重',
  /** An entry's duplicate rate against the other entries and the library. */
  rate: '重复率',
  /** The one page for the same work or topic entered twice (text, files, authors, titles). */
  suspects: '一稿多投与相似主题',
  experts: '专家',
  panels: '评审组',
  assignments: '评审分配',
  progress: '评审进度',
  /** Expert judging as a stage of the contest (assignments, reviews). */
  judging: '评审',
  awards: '评奖',
  publications: '公示',
  finalScore: '最终得分',
  award: '奖项',
  /** The official list an office pastes into its notice: no codes, no scores. */
  awardList: '获奖名单',
  /** The organizer's own workbook: codes, scores, derivations, quotas. */
  awardWorkbook: '评奖工作簿',
  scoreDetails: '评分明细',
  similarityResults: '查重结果',
  importProblems: '导入问题清单',
  /** Who still owes which reviews. */
  owedList: '待评清单',
  reminders: '催评提醒',
  deadline: '截止时间',
  /** Who works on a contest: its organizers (administrators reach every contest). */
  members: '成员',
  /** The contest's own copy of its rule set, with its versions. */
  rules: '规则',
} as const;

export type Term = keyof typeof TERMS;

/** An expert's review of one assignment, as experts and organizers see it. */
export const REVIEW_STATES = { new: '未开始', draft: '草稿', submitted: '已提交', returned: '已退回' } as const;
export type ReviewState = keyof typeof REVIEW_STATES;

/** Background jobs (导入, 查重, 形式审查). */
export const JOB_STATES = { queued: '排队中', running: '进行中', done: '已完成', failed: '失败' } as const;

/** Where an import came from, for the 导入 history. */
export const IMPORT_ORIGINS = {
  browser: '网页上传',
  folder: '服务器文件夹',
  cli: '命令行',
  /** A package from the level below (推荐报送包). */
  package: '报送包',
} as const;
export type ImportOrigin = keyof typeof IMPORT_ORIGINS;
