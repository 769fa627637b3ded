import type { Random } from './random.ts';

/**
 * Case documents (案例介绍) that read like the ones teachers send: sentences about using the national smart-education
 * platform in teaching and training, in the notices' own vocabulary (教师研修频道, 混合研修, 研训一体化, 名师名校长
 * 工作室, 助学助教助管助研 …), written from templates whose slots change with each entry — its district and school,
 * stage and subject, lessons, people, numbers and dates.
 *
 * Independent writers do not repeat each other's sentences, so neither do these cases: a sentence that would repeat
 * a 13-character run (what the similarity scan counts as copied) of another case is drawn again, and left out when
 * it cannot be made different. The near-duplicates a demo needs are planted on purpose, by copying.
 */

export interface CaseSubject {
  /** 区县, e.g. 鼓楼区. */
  county: string;
  school: string;
  /** 学段: 幼儿园, 小学, 初中, 高中. */
  stage: string;
  title: string;
  /** The kind of case: 区域研修, 校本研修, 线上工作室, 创新场景. */
  kind: 'regional' | 'school' | 'studio' | 'scenario';
}

export interface CaseSection {
  heading: string;
  paragraphs: string[];
}

const MODULES = [
  '教师研修频道',
  '课程教学频道',
  '课后服务频道',
  '家校共育频道',
  '教材频道',
  '专题教育频道',
  '名师名校长工作室',
  '平台数据看板',
];
const SEASONS = ['寒假教师研修', '暑期教师研修', '春季学期研修', '秋季学期研修'];
const ACTIVITIES = [
  '集体备课',
  '同课异构',
  '课例研讨',
  '主题教研',
  '说课评课',
  '网络直播教研',
  '微课制作',
  '作业设计研讨',
  '读书分享会',
  '跟岗研修',
];
const SUBJECTS = [
  '语文',
  '数学',
  '英语',
  '道德与法治',
  '科学',
  '物理',
  '化学',
  '生物学',
  '历史',
  '地理',
  '音乐',
  '美术',
  '信息科技',
  '劳动',
];
const PRESCHOOL_AREAS = ['健康', '语言', '社会', '科学', '艺术'];
const GRADES: Record<string, string[]> = {
  幼儿园: ['小班', '中班', '大班'],
  小学: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级'],
  初中: ['七年级', '八年级', '九年级'],
  高中: ['高一', '高二', '高三'],
};
const LESSONS = [
  '秋天的雨',
  '圆的面积',
  '分数的初步认识',
  '光的反射',
  '植物的一生',
  '认识人民币',
  '长方体的体积',
  '桥',
  '背影',
  '勾股定理',
  '大气的受热过程',
  '细胞的分裂',
  '中国的地形',
  '丝绸之路',
  '电与磁',
  '化学反应的速率',
  '我们的节日',
  '垃圾分类我先行',
  '四季的色彩',
  '小小种植园',
  '平移与旋转',
  '动物的迁徙',
  '少年中国说',
  '二十四节气',
];
const GOALS = [
  '提升教师数字素养',
  '推动研训一体化',
  '转变课堂教学方式',
  '减轻学生过重负担',
  '落实新课标要求',
  '缩小城乡教育差距',
  '培养学生核心素养',
  '促进家校协同育人',
];
const PROBLEMS = [
  '教师研修时间碎片化',
  '优质资源分布不均',
  '青年教师缺少引领',
  '乡村学校教研力量薄弱',
  '研修内容与课堂脱节',
  '作业设计缺乏针对性',
  '平台资源利用率不高',
  '教研活动形式单一',
];
/** Headings of the measures, each said in several ways: [verbs, objects, second half]. */
const MEASURES: [string[], string[], string[]][] = [
  [
    ['健全', '完善', '理顺'],
    ['组织机制', '工作机制', '管理机制'],
    ['压实研修责任', '明确分工', '落实责任到人'],
  ],
  [
    ['精选', '整合', '用好'],
    ['平台资源', '数字资源', '课程资源'],
    ['构建研修课程', '形成专题课程', '打造资源包'],
  ],
  [
    ['创新', '丰富', '改进'],
    ['研修方式', '研修形式', '活动方式'],
    ['推动线上线下融合', '实行混合式研修', '线上线下结合'],
  ],
  [
    ['聚焦', '紧扣', '立足'],
    ['课堂问题', '教学难点', '真实课堂'],
    ['开展课例研究', '深化课例研修', '推进主题教研'],
  ],
  [
    ['用好', '借助', '依托'],
    ['数据看板', '平台数据', '学情数据'],
    ['实施精准管理', '改进研修过程', '做到精准施策'],
  ],
  [
    ['发挥', '放大', '激活'],
    ['工作室作用', '名师作用', '骨干作用'],
    ['辐射引领区域', '带动青年教师', '实现示范引领'],
  ],
  [
    ['完善', '健全', '优化'],
    ['评价激励', '考核评价', '激励机制'],
    ['激发内生动力', '调动教师积极性', '促进持续参与'],
  ],
];
const FEATURES = ['研训一体', '数据驱动', '分层推进', '城乡联动', '问题导向', '成果转化', '名师引领'];
const ROLES = ['教研员', '骨干教师', '学科带头人', '青年教师', '班主任', '教研组长', '工作室成员', '备课组长'];
const ARTIFACTS = ['教学设计', '研修日志', '课后反思', '微课作品', '作业设计方案', '听评课记录', '课例视频', '单元整体设计'];
const AWARDS = ['市级优质课评比', '省级基础教育精品课', '区级教学能手评选', '市级微课大赛', '省级作业设计评比', '全国中小学实验教学说课'];
const LESSONS_LEARNED = [
  '研修主题要从真实课堂中来',
  '平台资源要和本地资源结合起来用',
  '骨干引领离不开制度保障',
  '线上学习要有线下实践跟进',
  '过程数据是改进研修的依据',
  '评价激励要看得见教师的成长',
  '校长重视是研修常态化的前提',
];
const NEXT_STEPS = ['扩大覆盖面', '加强成果提炼', '深化数据应用', '完善激励机制', '推进跨校协作', '提高研修实效'];
const SURNAMES = ['王', '李', '陈', '林', '黄', '吴', '郑', '刘', '张', '杨', '许', '蔡', '邱', '谢'];
const GIVEN = ['静', '敏', '伟', '芳', '磊', '婷', '强', '洁', '军', '丽', '斌', '燕', '晖', '琳'];
const WHEN = ['开学初', '期中前后', '学期末', '寒假前', '暑假期间', '国庆节后', '春节前'];
const PLACES = ['录播教室', '学校报告厅', '区教师发展中心', '线上会议室', '名师工作室', '乡村联盟校'];

const CONNECTIVES = ['同时，', '此外，', '另外，', '与此同时，', '在此基础上，', '随后，', '其间，', '不仅如此，'];

/** A kind's own subject of the sentences: the district, the school or the studio. */
const ACTORS: Record<CaseSubject['kind'], (s: CaseSubject) => string[]> = {
  regional: (s) => [`${s.county}教师发展中心`, `${s.county}教育局`, '我们'],
  school: (s) => [s.school, '学校', '我们'],
  studio: (s) => [`${s.school}名师工作室`, '工作室', '我们'],
  scenario: (s) => [s.school, '学校', '我们'],
};

/** Characters counted as text by the similarity scan (letters and digits); runs of this length are "copied". */
const GRAM = 13;
/** Tries for a sentence that repeats no run of another case. */
const TRIES = 40;
/** After the first cases, a sentence may share this many 13-character runs with other cases (a set phrase), no more. */
const ALLOWED_REPEATS = 1;
const FRESH_CASES = 20;

const countable = (text: string): string => text.replace(/[^\p{L}\p{N}]/gu, '');

type Template = () => string;

export class CaseWriter {
  /** Every 13-character run written so far, with the case that wrote it first. */
  private readonly written = new Map<string, number>();
  private caseNo = 0;
  /** The end of what this case has written so far (countable characters), for runs that span two sentences. */
  private tail = '';

  constructor(private readonly random: Random) {}

  private pick<T>(items: readonly T[]): T {
    return this.random.pick(items);
  }

  private n(min: number, max: number): number {
    return this.random.int(min, max);
  }

  /** A few distinct items of a list, in random order. */
  private some<T>(items: readonly T[], count: number): T[] {
    return this.random.shuffle([...items]).slice(0, count);
  }

  /** A percentage as surveys report it, e.g. 73.5%. */
  private pct(min: number, max: number): string {
    return `${this.n(min, max)}.${this.n(0, 9)}%`;
  }

  private person(): string {
    return this.pick(SURNAMES) + this.pick(GIVEN) + (this.random.chance(0.4) ? this.pick(GIVEN) : '');
  }

  /** A count as writers put it: small ones often in Chinese numerals (三个, 两次), others in digits. */
  private count(min: number, max: number): string {
    const n = this.n(min, max);
    return n <= 10 && this.random.chance(0.5) ? ['零', '一', '两', '三', '四', '五', '六', '七', '八', '九', '十'][n] : String(n);
  }

  private date(): string {
    return `${this.n(1, 12)}月${this.n(1, 28)}日`;
  }

  private repeats(text: string): number {
    let found = 0;
    for (let at = 0; at + GRAM <= text.length; at++) {
      const owner = this.written.get(text.slice(at, at + GRAM));
      if (owner !== undefined && owner !== this.caseNo) found++;
    }
    return found;
  }

  /** Records text this case writes outside the templates (headings), so the runs it starts are checked too. */
  private heading(text: string): string {
    this.tail = countable(text).slice(-(GRAM - 1));
    return text;
  }

  /**
   * One sentence, drawn again while it repeats another case — its own runs and those it makes with the end of the
   * text before it; '' when it cannot be made different.
   */
  private say(template: Template): string {
    let best = '';
    let fewest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < TRIES && fewest > 0; i++) {
      const candidate = template();
      const found = this.repeats(this.tail + countable(candidate));
      if (found < fewest) [best, fewest] = [candidate, found];
    }
    // Later cases find fewer fresh combinations: they may share a set phrase, as real cases do.
    if (fewest > (this.caseNo > FRESH_CASES ? ALLOWED_REPEATS : 0)) return '';
    const text = this.tail + countable(best);
    for (let at = 0; at + GRAM <= text.length; at++) {
      const gram = text.slice(at, at + GRAM);
      if (!this.written.has(gram)) this.written.set(gram, this.caseNo);
    }
    this.tail = text.slice(-(GRAM - 1));
    return best;
  }

  /**
   * Sentences from the templates (taken from the front of the list, which shrinks), as many as come out different,
   * up to `count`; after the first, some open with a connective, as writers join their sentences.
   */
  private write(templates: Template[], count: number): string[] {
    const out: string[] = [];
    while (out.length < count && templates.length) {
      const t = templates.shift() as Template;
      const joined: Template = () => (out.length && this.random.chance(0.45) ? this.pick(CONNECTIVES) : '') + t();
      const sentence = this.say(joined);
      if (sentence) out.push(sentence);
    }
    return out;
  }

  private background(s: CaseSubject, actor: () => string, grade: () => string, subject: () => string): string[] {
    const v = (...words: string[]) => this.pick(words);
    const k = (min: number, max: number) => this.count(min, max);
    const year = this.n(2019, 2023);
    const intro: Template[] = [
      () =>
        s.kind === 'regional'
          ? `${s.county}${v('现有', '共有', '辖')}中小学、幼儿园${k(31, 118)}所，专任教师${k(2100, 9800)}名，35岁以下的${v('约占', '占')}${this.pct(18, 46)}。`
          : `${s.school}${v('创办于', '始建于', '建于')}${this.n(1952, 2015)}年，${v('现有', '有')}教学班${k(18, 72)}个、教职工${k(48, 260)}人，青年教师` +
            `${v('占', '约占')}${this.pct(18, 46)}。`,
      () =>
        `${year}年以来，${actor()}${v('围绕', '聚焦', '着眼于')}“${this.pick(GOALS)}”${v('做了', '开展了', '进行了')}${k(3, 12)}项探索，但` +
        `${this.pick(PROBLEMS)}、${this.pick(PROBLEMS)}${v('依然突出', '仍然存在', '还没有解决')}。`,
      () =>
        `${year + 1}年${this.n(3, 11)}月的${v('问卷', '调查', '摸底')}显示，${this.pct(52, 81)}的教师每周上平台不足${k(2, 4)}次，${this.pct(60, 92)}` +
        `${v('希望得到', '想要', '需要')}${this.pick(ACTIVITIES)}方面的指导。`,
      () =>
        `${grade()}${subject()}组的${this.person()}老师${v('说', '坦言', '回忆')}，过去${this.pick(ACTIVITIES)}常常“` +
        `${this.pick(['听完就完', '说完就散', '年年一个样', '走过场'])}”，${v('收获不大', '效果有限', '用处不大')}。`,
      () =>
        `${v('全校', '学校', '我们')}${k(2, 9)}个校区相距${k(4, 38)}公里，${this.pick(['集中教研', '跨校听课', '统一培训'])}一次要${v('花', '用')}${k(2, 5)}个小时在路上。`,
      () =>
        `${this.n(2018, 2022)}年的质量监测中，${subject()}学科的${this.pick(['合格率', '优秀率', '平均分'])}${v('低于', '落后于', '比')}` +
        `${this.pick(['全区', '全市', '全省'])}平均${v('低', '差', '少')}${k(3, 11)}个百分点。`,
      () =>
        `${v('对', '通过对')}${k(120, 900)}节常态课的${v('观察', '分析', '记录')}发现，${this.pct(30, 70)}的课堂` +
        `${this.pick(['讲得多、练得少', '提问停留在记忆层面', '信息技术用得少', '作业千篇一律'])}。`,
    ];
    const plan: Template[] = [
      () =>
        `${year + 1}年，${actor()}${v('成为', '被确定为', '入选')}${this.pick(['市级', '省级', '区级'])}智慧教育平台应用试点，把${this.pick(MODULES)}的应用` +
        `${v('写进', '列入', '纳入')}${this.pick(['年度重点工作', '教师培训计划', '教研工作要点'])}。`,
      () =>
        `本案例以“${s.title.replace(/的(实践探索|创新实践|路径与成效|实施案例)$/, '')}”为主题，${v('覆盖', '涉及')}${k(3, 12)}个学科、${k(60, 640)}名教师，历时${k(4, 14)}个月。`,
      () =>
        `项目启动时${v('定下', '确定了', '提出')}“${this.pick(['一年打基础、两年见成效', '先试点、再推广', '以点带面、分步实施', '骨干先行、全员跟进'])}”的思路，首批${k(6, 48)}个` +
        `${this.pick(['教研组', '学科组', '年级组', '项目组'])}参加。`,
      () =>
        `${this.date()}，${actor()}${v('召开', '举行')}启动会，${k(40, 300)}名教师${v('参会', '参加', '到场')}，${this.person()}` +
        `${this.pick(['校长', '主任', '院长', '局长'])}作了动员。`,
      () =>
        `${v('实施方案', '工作方案', '推进计划')}明确了${k(3, 8)}项任务、${k(4, 12)}个时间节点，${v('每项', '每个节点')}都有${this.pick(ROLES)}${v('负责', '跟进', '盯着')}。`,
    ];
    return [this.write(this.random.shuffle(intro), 5).join(''), this.write(this.random.shuffle(plan), 4).join('')];
  }

  private measureTemplates(actor: () => string, grade: () => string, subject: () => string): Template[] {
    const v = (...words: string[]) => this.pick(words);
    const k = (min: number, max: number) => this.count(min, max);
    const lesson = () => `《${this.pick(LESSONS)}》`;
    const teacher = () => `${this.pick(ROLES)}${this.person()}`;
    return [
      () =>
        `${actor()}${v('牵头', '负责', '率先')}${v('组建', '成立', '组织')}了${k(5, 15)}人的${this.pick(['研修指导组', '工作专班', '核心团队', '项目组'])}，` +
        `${this.pick(ROLES)}${v('任组长', '担任组长', '牵头')}，每${v('周', '两周', '月', '半月')}${v('碰一次头', '开一次推进会', '集中研讨一次', '开一次例会')}。`,
      () =>
        `${this.pick(['各学校', '各教研组', '各备课组'])}${v('结合', '根据', '立足')}${subject()}学科${v('实际', '特点', '教学需要')}，从` +
        `${this.pick(MODULES)}${v('选出', '挑选了', '筛选出')}${k(8, 40)}节课例，${v('编成', '整理成', '组成')}${k(3, 8)}个研修专题。`,
      () =>
        `${grade()}${subject()}组围绕${lesson()}${v('开展', '组织')}${this.pick(ACTIVITIES)}，先在平台${v('看', '观摩', '学习')}` +
        `${k(2, 5)}节示范课，再${v('试教', '磨课', '上课')}${k(2, 4)}轮。`,
      () =>
        `${this.pick(SEASONS)}${v('期间', '中', '时')}，${v('教师', '老师们', '参训教师')}在平台上${v('提交', '上传', '完成')}${this.pick(ARTIFACTS)}` +
        `${k(120, 1800)}份，${this.pick(ROLES)}${k(3, 12)}人${v('分头点评', '逐份批阅', '分组评议')}。`,
      () =>
        `平台数据看板每${v('月', '周', '两周')}统计${k(3, 6)}项${v('指标', '数据', '情况')}，学时不足的${k(6, 40)}名教师会${v('收到', '接到')}` +
        `${this.pick(['提醒', '电话', '短信', '通知'])}。`,
      () =>
        `线下活动${v('放在', '安排在', '定在')}每周${this.pick(['二', '三', '四', '五'])}${v('下午', '放学后', '第七八节')}，线上学习` +
        `${this.pick(['随时进行', '安排在课余', '不限时间', '自主安排'])}，${this.pct(70, 95)}的教师${v('说', '认为', '反映')}这样更灵活。`,
      () =>
        `${teacher()}把研修${v('所得', '收获', '学到的方法')}用在${grade()}${subject()}课上，${v('设计了', '编写了', '开发了')}${k(3, 9)}个分层学习任务。`,
      () =>
        `${this.date()}的${this.pick(ACTIVITIES)}${v('中', '上', '里')}，${k(12, 60)}位教师${v('展示了', '交流了', '比较了')}对${lesson()}的不同处理。`,
      () =>
        `每位新教师${v('配', '配备', '安排')}${v('一名', '两名', '1名', '2名')}导师，${k(18, 120)}对师徒` +
        `${this.pick(['在线观课、线下磨课', '一起备课、互相听课', '每周交流一次', '共同打磨课例'])}。`,
      () =>
        `研修分“${this.pick(['学—研—用', '读—议—练', '看—仿—创', '备—上—评'])}”三步，每一步都要${v('交', '提交', '上传')}${this.pick(ARTIFACTS)}，共` +
        `${v('收到', '收集', '汇总')}${k(80, 900)}份。`,
      () =>
        `${teacher()}在${this.pick(PLACES)}${v('分享了', '介绍了', '演示了')}${k(3, 12)}个用${this.pick(MODULES)}的小技巧，${v('当场', '现场')}有` +
        `${k(20, 90)}人${v('跟着操作', '动手尝试', '跟着练习')}。`,
      () =>
        `平台上的${this.pick(['优质课', '专家讲座', '实验视频', '作业案例'])}按${subject()}学科${v('重新整理', '分类整理', '重新编排')}，建成${k(4, 16)}个资源包，` +
        `${v('下载', '使用', '点击')}${k(300, 6000)}次。`,
      () =>
        `针对${this.pick(PROBLEMS)}，${actor()}与${this.pick(['城区学校', '乡村学校', '兄弟学校', '高校团队', '教科院'])}${v('结对', '合作', '联手')}，` +
        `${v('开展', '组织', '举办')}联合教研${k(6, 30)}场。`,
      () =>
        `活动结束${k(2, 5)}天内，${v('参与者', '参与教师', '每位教师')}上传反思，${this.pick(ROLES)}按“` +
        `${this.pick(['目标—过程—效果', '问题—策略—改进', '设计—实施—评价'])}”${v('逐条反馈', '一一回复', '分项点评')}。`,
      () =>
        `${grade()}${this.pick(['家长会', '开放日', '亲子活动'])}上，${this.person()}老师向${k(60, 400)}位家长${v('演示了', '介绍了', '讲解了')}` +
        `${this.pick(['家校共育频道', '课后服务频道', '专题教育频道'])}。`,
      () =>
        `${v('每位', '每名', '全体')}教师${v('有', '建有', '都有')}一份电子成长档案，记录学时、${this.pick(ARTIFACTS)}、获奖等${k(5, 9)}类信息，` +
        `${this.pick(WHEN)}${v('汇总', '更新', '统计')}一次。`,
      () =>
        `${this.n(2021, 2024)}年${this.pick(['春季', '秋季'])}，${actor()}${v('办了', '举办了', '组织了')}第${k(1, 5)}届“` +
        `${this.pick(['智慧课堂', '数字素养', '平台应用', '研修成果'])}”展示周，上课${k(12, 60)}节。`,
      () =>
        `课后，${subject()}教师${v('用', '借助', '利用')}平台的${this.pick(['在线测验', '作业批改', '学情统计'])}，${v('掌握', '了解', '分析')}${k(2, 8)}个班的` +
        `${this.pick(['错题', '进度', '薄弱点'])}。`,
      () =>
        `${teacher()}${v('带', '带领', '指导')}${k(4, 12)}名青年教师，用${k(3, 8)}周${v('打磨了', '准备了', '磨出了')}一节${grade()}${subject()}示范课。`,
      () => `${this.person()}教授${k(2, 6)}次来校指导，针对${this.pick(PROBLEMS)}${v('提了', '给出了', '提出')}${k(3, 9)}条建议。`,
      () => `${this.pick(WHEN)}，${k(3, 9)}所学校的${k(20, 120)}名教师在${this.pick(PLACES)}${v('同上', '同研', '共上')}一节${lesson()}。`,
      () =>
        `${subject()}组把${lesson()}${v('拆成', '分成', '设计为')}${k(3, 6)}个学习任务，平台资源${k(4, 15)}条、自制微课${k(2, 8)}节${v('配合使用', '穿插其中', '一起用')}。`,
      () =>
        `听课教师用平台的${this.pick(['观课量表', '评课模板', '课堂观察工具'])}记录${k(6, 20)}项指标，课后${v('当场', '随即', '集中')}${this.pick(['反馈', '研讨', '复盘'])}。`,
      () =>
        `${this.person()}老师的${lesson()}课例被平台${this.pick(['收录', '推荐', '置顶'])}，${v('浏览量', '观看次数', '点击量')}超过${k(2, 30)}千次。`,
      () =>
        `${this.pick(['区教研室', '市教科院', '高校专家', '省电教馆'])}${k(2, 8)}次参与${this.pick(ACTIVITIES)}，${v('带来了', '提供了', '留下了')}` +
        `${k(3, 12)}个${this.pick(['研究课题', '观课工具', '评价量表'])}。`,
      () =>
        `乡村学校${k(8, 46)}名教师通过直播${v('参加', '加入', '旁听')}城区教研，每次${v('在线', '持续', '约')}${k(40, 150)}分钟，${v('提问', '留言', '交流')}${k(5, 40)}个。`,
      () =>
        `${this.pick(WHEN)}的“${this.pick(['好课大家评', '微课擂台赛', '作业设计展', '说课比武'])}”中，${k(18, 96)}件作品${v('参展', '参评', '参赛')}，评出${k(3, 15)}件优秀作品。`,
      () =>
        `为${v('减少负担', '减轻负担', '避免形式化')}，研修作业${v('控制在', '不超过')}每月${k(2, 4)}项，${this.pick(ARTIFACTS)}可以代替` +
        `${this.pick(['研修日志', '学习笔记', '读书心得'])}。`,
      () =>
        `${actor()}还把${this.pick(['心理健康', '劳动教育', '阅读推广', '科学实验'])}专题资源${v('引入', '用于', '融入')}课后服务，${k(200, 2400)}名学生参与。`,
      () =>
        `${this.person()}老师${v('录制', '制作', '剪辑')}的${k(3, 12)}节${grade()}${subject()}微课${v('上传', '发布')}到平台后，${k(2, 9)}天内` +
        `${v('被观看', '被点击', '被收藏')}${k(100, 3000)}次。`,
      () =>
        `${v('每学期', '每学年', '每月')}的${this.pick(['教研开放日', '研修汇报课', '成果展示会'])}上，${k(3, 12)}个教研组轮流${v('汇报', '展示', '亮相')}，` +
        `${this.pick(ROLES)}现场打分。`,
      () =>
        `${grade()}${k(2, 9)}班的${subject()}课上，学生用平板${v('完成', '提交', '作答')}${k(5, 20)}道练习，${this.person()}老师根据${v('正确率', '用时', '错因')}调整了讲解。`,
      () =>
        `${this.pick(['教务处', '教研室', '信息中心', '教师发展处'])}${v('编印了', '整理了', '汇编了')}《` +
        `${this.pick(['平台应用手册', '研修指南', '优秀课例集', '作业设计集'])}》，${v('收录', '收入')}${k(12, 80)}篇${this.pick(ARTIFACTS)}。`,
      () =>
        `${this.n(2022, 2024)}年${this.n(1, 12)}月，${k(6, 40)}名教师${v('赴', '到', '前往')}` +
        `${this.pick(['上海', '杭州', '深圳', '南京', '成都', '厦门'])}${v('跟岗学习', '参加培训', '观摩交流')}${k(3, 14)}天，回校后` +
        `${v('上了', '开了', '作了')}汇报课。`,
      () =>
        `${this.person()}副校长${v('每周', '每月')}${v('听课', '随堂听课', '推门听课')}${k(2, 8)}节，${v('听后', '课后')}` +
        `${v('与执教教师', '和授课老师', '同任课教师')}面对面交流${k(10, 40)}分钟。`,
      () =>
        `${subject()}备课组${k(4, 12)}位老师${v('分工', '轮流', '合作')}编写${lesson()}的${this.pick(['导学案', '分层作业', '课时设计', '评价量规'])}，` +
        `${v('三易其稿', '几经修改', '反复打磨')}后${v('定稿', '使用', '推广')}。`,
      () =>
        `为${v('方便', '便于')}${this.pick(['乡村教师', '新入职教师', '兼课教师'])}参加，${actor()}把${k(6, 30)}场活动${v('录成', '做成', '剪成')}回放，` +
        `${v('累计', '共')}观看${k(300, 5000)}次。`,
      () =>
        `${this.date()}起，${actor()}${v('推行', '试行', '实行')}“${this.pick(['一课三研', '一人一课', '一周一研', '一月一主题'])}”，${v('至今', '到目前')}已` +
        `${v('开展', '完成')}${k(12, 90)}轮。`,
      () =>
        `${this.person()}、${this.person()}两位老师${v('合作', '共同', '联合')}${v('执教', '展示', '设计')}${lesson()}，${k(30, 200)}位同行` +
        `${v('在线', '现场', '同步')}观摩。`,
      () =>
        `${this.pick(PLACES)}${v('配备了', '更新了', '新增了')}${k(2, 12)}套${this.pick(['录播设备', '互动大屏', '平板电脑', '直播设备'])}，` +
        `${v('保障', '支持', '满足')}${this.pick(ACTIVITIES)}的需要。`,
    ];
  }

  private measures(templates: Template[], count: number): string[] {
    return this.some(MEASURES, count).map(([verbs, objects, rest], i) => {
      const heading = this.heading(`（${'一二三四五六'[i]}）${this.pick(verbs)}${this.pick(objects)}，${this.pick(rest)}。`);
      return heading + this.write(templates, this.n(5, 7)).join('');
    });
  }

  private outcomes(s: CaseSubject, actor: () => string, subject: () => string): string[] {
    const v = (...words: string[]) => this.pick(words);
    const k = (min: number, max: number) => this.count(min, max);
    const before = this.n(38, 62);
    const data: Template[] = [
      () => `${k(1, 2)}年来，教师参加平台研修${k(300, 9000)}人次，人均${k(18, 72)}学时，${v('完成率', '合格率')}${this.pct(86, 98)}。`,
      () =>
        `教师在${this.pick(AWARDS)}中${v('获奖', '获得奖项')}${k(4, 36)}人次，${v('形成', '积累', '产出')}优秀${this.pick(ARTIFACTS)}${k(20, 160)}份。`,
      () =>
        `学生${this.pick(['课堂参与度', '作业完成质量', '阅读兴趣', '实验操作能力', '小组合作能力'])}${v('提升', '提高', '明显改善')}，相关指标由${before}.` +
        `${this.n(0, 9)}%${v('升到', '提高到', '上升至')}${before + this.n(12, 30)}.${this.n(0, 9)}%。`,
      () =>
        `${s.school}的经验在${this.pick(['区域', '全市', '全省'])}${k(2, 9)}次现场会上${v('交流', '介绍', '分享')}，接待来访${k(80, 900)}人次。`,
      () =>
        `${subject()}学科的${this.pick(['合格率', '优秀率'])}比${this.n(2020, 2023)}年${v('提高', '上升')}${k(3, 14)}个百分点，` +
        `${this.pick(['作业时间', '课外负担'])}${v('减少', '下降')}${this.pct(10, 35)}。`,
      () =>
        `${k(3, 20)}名教师${v('成长为', '被评为')}${this.pick(['区级骨干', '市级学科带头人', '教学能手', '市级名师'])}，${k(2, 9)}项课题${this.pick(['立项', '结题'])}。`,
      () =>
        `平台上的${this.pick(ARTIFACTS)}被其他${this.pick(['学校', '区县', '教师'])}${v('下载', '引用', '借用')}${k(500, 9000)}次，` +
        `${this.person()}老师的作品${v('排在', '位列')}前${k(3, 10)}名。`,
      () =>
        `${actor()}的做法被${this.pick(['市教育局', '省教育厅', '区教育局'])}${this.pick(['简报', '公众号', '工作通讯'])}${v('刊发', '报道', '转载')}，` +
        `${this.date()}在${this.pick(PLACES)}作了介绍。`,
      () =>
        `${v('对比', '比较')}研修前后的${k(40, 200)}节课，${this.pick(['学生发言次数', '课堂练习时间', '分层任务数量'])}${v('平均增加了', '增加了')}${this.pct(15, 60)}。`,
    ];
    const reflection: Template[] = [
      () => `${v('体会有两点', '我们的体会是', '几点体会')}：一是${this.pick(LESSONS_LEARNED)}，二是${this.pick(LESSONS_LEARNED)}。`,
      () =>
        `${this.pick(['家长', '学生', '教师'])}满意度${v('调查', '问卷')}回收${k(120, 1600)}份，满意和比较满意的${v('合计', '共')}${this.pct(88, 99)}。`,
      () =>
        `${this.person()}老师在研修日志里写道：“${this.pick(['原来平台上有这么多好资源', '备课终于不是一个人的事了', '听了专家点评，才知道问题在哪', '学生的变化是最好的证明'])}。”`,
    ];
    return [this.write(this.random.shuffle(data), 8).join(''), this.write(this.random.shuffle(reflection), 3).join('')];
  }

  private features(s: CaseSubject, subject: () => string): string[] {
    const v = (...words: string[]) => this.pick(words);
    const k = (min: number, max: number) => this.count(min, max);
    const details: Template[] = [
      () => `${s.school}把${this.pick(MODULES)}的资源和${k(2, 6)}门校本课程${v('对接', '打通', '结合')}，${subject()}组人人参与。`,
      () =>
        `研修专题由教师${v('投票产生', '共同商定', '自主申报')}，${this.pct(60, 90)}来自${this.pick(['课堂观察', '学生作业', '质量分析', '家长反馈'])}中发现的问题。`,
      () =>
        `${this.n(2022, 2024)}年有${k(3, 15)}个研修成果在${this.pick(['区域', '全市', '全省'])}${v('推广', '交流')}，${k(6, 40)}所学校${v('借鉴', '学习', '采用')}。`,
      () =>
        `城区和乡村${k(4, 20)}所学校${v('组成联盟', '结成共同体')}，共享课例${k(60, 400)}节，${this.pick(ROLES)}轮流${this.pick(['主讲', '主持', '点评'])}。`,
      () => `平台数据${this.pick(['每周', '每月', '每学期'])}生成一张研修“${v('体检表', '成绩单', '画像')}”，${k(3, 8)}项指标一目了然。`,
      () =>
        `教师的研修成果直接${v('进入', '用于', '用到')}${this.pick(['备课', '作业', '评价'])}环节，${k(30, 200)}份设计已在课堂上${v('使用', '试用', '推开')}。`,
      () =>
        `${this.person()}${v('名师', '特级教师', '学科带头人')}${v('领衔', '牵头')}，${k(8, 30)}名成员${v('分布', '来自')}${k(3, 12)}所学校。`,
    ];
    const said = this.write(this.random.shuffle(details), 6);
    const pairs = Array.from({ length: Math.ceil(said.length / 2) }, (_, i) => said.slice(2 * i, 2 * i + 2).join(''));
    return this.some(FEATURES, pairs.length).map((f, i) => `${'一二三'[i]}是${f}。${pairs[i]}`);
  }

  private outlook(): string[] {
    const v = (...words: string[]) => this.pick(words);
    const k = (min: number, max: number) => this.count(min, max);
    const sentences: Template[] = [
      () =>
        `${v('目前', '当前', '现在')}还存在${this.pick(PROBLEMS)}、${this.pick(PROBLEMS)}等不足，${k(2, 5)}成教师的研修还停留在“` +
        `${this.pick(['看视频', '打卡', '刷学时'])}”。`,
      () => `下一步，我们将${this.some(NEXT_STEPS, 2).join('、')}，让平台更好地助学、助教、助管、助研。`,
      () =>
        `${this.n(2024, 2025)}年${v('计划', '准备', '打算')}再吸收${k(5, 30)}所学校加入，力争${this.pick(['覆盖全区', '覆盖全部学段', '人人参与'])}。`,
    ];
    return [this.write(this.random.shuffle(sentences), 3).join('')];
  }

  /** The case document's sections, in the order the notice names them (内容导图 first where it asks for one). */
  sections(s: CaseSubject): CaseSection[] {
    this.caseNo++;
    const actor = () => this.pick(ACTORS[s.kind](s));
    const grade = () => this.pick(GRADES[s.stage] ?? GRADES.小学);
    const subject = () => (s.stage === '幼儿园' ? this.pick(PRESCHOOL_AREAS) : this.pick(SUBJECTS));
    const templates = this.random.shuffle(this.measureTemplates(actor, grade, subject));
    // Each section's text is written after its heading, so a sentence is checked with the heading before it.
    const section = (heading: string, write: () => string[]): CaseSection => ({ heading: this.heading(heading), paragraphs: write() });
    const sections: CaseSection[] = [
      section('一、基本情况', () => this.background(s, actor, grade, subject)),
      section('二、过程与举措', () => this.measures(templates, s.kind === 'scenario' ? 5 : 4)),
      section('三、经验与成效', () => this.outcomes(s, actor, subject)),
      section('四、特色与创新', () => this.features(s, subject)),
      section(this.pick(['五、问题与展望', '五、反思与展望', '五、不足与改进', '五、下一步打算']), () => this.outlook()),
    ];
    if (s.kind === 'scenario') {
      const map = `基本情况 → ${this.some(MEASURES, 3)
        .map(([verbs, objects]) => `${this.pick(verbs)}${this.pick(objects)}`)
        .join(' → ')} → 成效与特色`;
      sections.unshift({ heading: '内容导图', paragraphs: [map] });
    }
    return sections;
  }
}
