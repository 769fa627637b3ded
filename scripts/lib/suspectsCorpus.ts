import { CATEGORIES } from './plantedCorpus.ts';
import { DOMAIN_PHRASES, HEADINGS, ProseGenerator } from './prose.ts';
import { Random } from './random.ts';
import { isContentWord, segmentWords } from '../../src/suspects/words.ts';

/**
 * A generated contest for 一稿多投 / 相似主题 detection, with the truth known by construction:
 * teachers (names drawn the way Chinese names repeat, so namesakes occur at other schools)
 * entering works whose 课题 is a subject, a domain phrase and a few focus words. Some teachers
 * enter one 课题 in two projects ("twins": same title stem, rewritten documents, mostly the
 * same video); others enter two different works; many works share a subject and a domain phrase
 * with unrelated works, as real contests do.
 */

export interface Teacher {
  name: string;
  school: string;
  stage: string;
}

export interface GeneratedWork {
  teacher: Teacher;
  category: string;
  title: string;
  /** The line under the title: school and teacher. */
  byline: string;
  /** Case document text: headings and paragraphs, the 课题's vocabulary woven in. */
  paragraphs: { heading: string; paragraphs: string[] }[];
  /** Works with the same video id share the same video file. */
  videoId: number;
}

export interface SuspectsContest {
  works: GeneratedWork[];
  /** Indexes of works entered twice (same 课题 in two projects). */
  twins: [number, number][];
  /** Indexes of works of one teacher in two projects that are different works. */
  sameTeacherDifferentWorks: [number, number][];
  /** Indexes of works by two teachers of the same name at different schools, same subject and domain, another project. */
  namesakes: [number, number][];
}

export interface ContestSpec {
  seed: number;
  works: number;
  /** Share of works that have a twin in another project. */
  twinShare: number;
  /** Share of twins that carry the same video (the others were filmed again). */
  twinVideoShare: number;
  /** Share of works whose teacher also enters a different work in another project. */
  secondWorkShare: number;
  /** Share of works by a namesake of an earlier teacher (another school, same subject). */
  namesakeShare: number;
  /** Paragraph sentences per section: about 30 characters each. */
  sentencesPerSection: [number, number];
}

// Surnames by frequency (the commonest first) and given-name characters: common names repeat.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞燕琳婷雪慧颖晨宇浩凯亮佳欣怡然思雨梅倩瑶琴云峰斌波宁辉建国志文海林';
const CITIES = ['佛山市', '广州市', '韶关市', '清远市', '肇庆市', '江门市', '湛江市', '茂名市', '梅州市', '河源市'];
const DISTRICTS = ['南海区', '顺德区', '禅城区', '三水区', '高明区', '越秀区', '天河区', '海珠区', '番禺区', '花都区', '武江区', '浈江区'];
const STAGES: [string, string][] = [
  ['小学', '小学'],
  ['初中', '中学'],
  ['高中', '高级中学'],
];
const ORDINALS = '一二三四五六七八九十';
const SUBJECTS: Record<string, string[]> = {
  语文: ['古诗词', '整本书阅读', '习作教学', '识字写字', '文言文', '群文阅读', '口语交际', '非连续性文本', '红楼梦', '朝花夕拾'],
  数学: ['分数乘法', '几何直观', '函数图像', '一元二次方程', '统计与概率', '数感培养', '图形运动', '圆的面积', '鸡兔同笼', '数学建模'],
  英语: ['绘本阅读', '自然拼读', '口语表达', '语法教学', '听说课', '读写结合', '英语戏剧', '词汇记忆', '思维导图', '主题意义'],
  科学: ['种子发芽', '电路连接', '月相变化', '水的净化', '昆虫观察', '简单机械', '天气观测', '溶解实验', '生态瓶', '火山模型'],
  物理: ['浮力', '欧姆定律', '凸透镜成像', '牛顿第一定律', '电磁感应', '机械能守恒', '光的折射', '压强'],
  化学: ['酸碱中和', '氧气制取', '质量守恒定律', '金属活动性', '燃烧条件', '溶液配制', '化学方程式'],
  道德与法治: ['宪法精神', '垃圾分类', '生命安全', '诚信教育', '传统美德', '民法典', '网络素养'],
  音乐: ['合唱教学', '民族乐器', '节奏训练', '粤剧', '歌唱技巧', '音乐欣赏'],
  美术: ['剪纸', '国画', '版画', '陶艺', '写生', '岭南画派', '设计应用'],
  体育: ['足球', '篮球运球', '跳绳', '体能训练', '武术', '啦啦操', '田径'],
  信息科技: ['编程启蒙', '人工智能初步', '数据编码', '开源硬件', '算法思维', '网络安全', '物联网'],
};
const SUBJECT_NAMES = Object.keys(SUBJECTS);
/** Title patterns around a stem; stock words differ, the stem is what the work is about. */
const TITLE_PATTERNS = [
  (s: string) => `基于${s}的实践探索`,
  (s: string) => `${s}的实践研究`,
  (s: string) => `依托${s}的教学案例`,
  (s: string) => `${s}应用案例`,
  (s: string) => `《${s}》案例`,
  (s: string) => `${s}的探索与实践`,
  (s: string) => `浅谈${s}`,
];

interface Topic {
  subject: string;
  domain: string;
  focus: string[];
  stem: string;
  /** Words the write-ups of this 课题 keep using (its own vocabulary, beyond the subject's). */
  vocabulary: string[];
}

/** Words of a topic's own vocabulary. */
const TOPIC_VOCABULARY = 12;

export class SuspectsContestGenerator {
  private readonly random: Random;
  private readonly prose: ProseGenerator;
  private readonly schools: string[] = [];
  private videos = 0;

  constructor(seed: number) {
    this.random = new Random(seed);
    this.prose = new ProseGenerator(this.random);
  }

  teacherName(): string {
    // Surnames: the first ten hold about 40% of people; given names of one or two characters.
    const r = this.random.next();
    const surname = SURNAMES[Math.floor(SURNAMES.length * r * r)];
    const given = this.random.pick([...GIVEN]) + (this.random.chance(0.75) ? this.random.pick([...GIVEN]) : '');
    return surname + given;
  }

  school(stage: [string, string], schools: number): string {
    if (this.schools.length < schools || this.random.chance(0.02)) {
      const name = `${this.random.pick(CITIES)}${this.random.pick(DISTRICTS)}第${this.random.pick([...ORDINALS])}${stage[1]}`;
      this.schools.push(name);
      return name;
    }
    return this.random.pick(this.schools);
  }

  teacher(schools: number): Teacher {
    const stage = this.random.pick(STAGES);
    return { name: this.teacherName(), school: this.school(stage, schools), stage: stage[0] };
  }

  topic(subject = this.random.pick(SUBJECT_NAMES), domain = this.random.pick(DOMAIN_PHRASES)): Topic {
    const focus = this.random.shuffle([...SUBJECTS[subject]]).slice(0, 2);
    const vocabulary = [...new Set(segmentWords(this.prose.paragraph(4).join('')).filter(isContentWord))].slice(0, TOPIC_VOCABULARY);
    const stem = this.random.pick([
      `${domain}支持下的${subject}${focus[0]}教学`,
      `${focus[0]}${subject}${domain}`,
      `${subject}${focus[0]}与${focus[1]}${domain}`,
      `${domain}赋能${focus[0]}`,
    ]);
    return { subject, domain, focus, stem, vocabulary: [...focus, ...vocabulary] };
  }

  title(topic: Topic): string {
    return this.random.pick(TITLE_PATTERNS)(topic.stem);
  }

  /**
   * A case document on the topic: generated prose with the 课题's vocabulary, subject and
   * domain phrase woven in, and the school named now and then (as write-ups do: 我校…).
   */
  document(topic: Topic, teacher: Teacher, sentencesPerSection: [number, number]): GeneratedWork['paragraphs'] {
    const words = [...topic.vocabulary, topic.subject, topic.domain];
    const weave = (s: string): string =>
      this.random.chance(0.4)
        ? `围绕${this.random.pick(words)}与${this.random.pick(words)}，${s}`
        : this.random.chance(0.1)
          ? `${teacher.school}${s}`
          : s;
    return HEADINGS.map((heading) => {
      const sentences = this.random.int(...sentencesPerSection);
      const paragraphs: string[] = [];
      for (let done = 0; done < sentences; ) {
        const n = Math.min(sentences - done, this.random.int(3, 6));
        paragraphs.push(this.prose.paragraph(n).map(weave).join(''));
        done += n;
      }
      return { heading, paragraphs };
    });
  }

  contest(spec: ContestSpec): SuspectsContest {
    const works: GeneratedWork[] = [];
    const topics: Topic[] = [];
    const twins: [number, number][] = [];
    const sameTeacherDifferentWorks: [number, number][] = [];
    const namesakes: [number, number][] = [];
    const schools = Math.max(3, Math.round(spec.works / 6));
    const otherCategory = (category: string) => this.random.pick(CATEGORIES.filter((c) => c !== category));
    const work = (teacher: Teacher, category: string, topic: Topic, videoId: number): number => {
      topics.push(topic);
      const byline = `${teacher.school} ${teacher.name}`;
      return (
        works.push({
          teacher,
          category,
          title: this.title(topic),
          byline,
          paragraphs: this.document(topic, teacher, spec.sentencesPerSection),
          videoId,
        }) - 1
      );
    };

    while (works.length < spec.works) {
      const r = this.random.next();
      if (works.length > 0 && r < spec.namesakeShare) {
        const earlier = this.random.int(0, works.length - 1);
        const { teacher, category } = works[earlier];
        let school = teacher.school;
        while (school === teacher.school) school = this.school(this.random.pick(STAGES), schools + 1);
        const namesake = { ...teacher, school };
        const topic = this.topic(topics[earlier].subject, topics[earlier].domain);
        namesakes.push([earlier, work(namesake, otherCategory(category), topic, this.videos++)]);
        continue;
      }
      const teacher = this.teacher(schools);
      const category = this.random.pick(CATEGORIES);
      const topic = this.topic();
      const first = work(teacher, category, topic, this.videos++);
      if (works.length === spec.works) break;
      if (r < spec.namesakeShare + spec.twinShare)
        twins.push([
          first,
          work(teacher, otherCategory(category), topic, this.random.chance(spec.twinVideoShare) ? works[first].videoId : this.videos++),
        ]);
      else if (r < spec.namesakeShare + spec.twinShare + spec.secondWorkShare)
        sameTeacherDifferentWorks.push([first, work(teacher, otherCategory(category), this.topic(), this.videos++)]);
    }
    return { works, twins, sameTeacherDifferentWorks, namesakes };
  }
}

/** The whole text of a generated case document. */
export const documentText = (work: GeneratedWork): string =>
  [work.title, work.byline, ...work.paragraphs.flatMap((s) => [s.heading, ...s.paragraphs])].join('\n');
