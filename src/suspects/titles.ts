import { foldText } from './fold.ts';

/**
 * Stock words of case titles (套话): they say what kind of write-up it is, not what it is
 * about, so `基于双师课堂的乡村英语教学实践探索` and `乡村英语双师课堂教学案例` are
 * compared as `双师课堂乡村英语教学` and `乡村英语双师课堂教学`. Longest first.
 */
export const STOCK_TITLE_WORDS = [
  '的实践与探索',
  '的探索与实践',
  '的实践与研究',
  '的研究与实践',
  '的实践与思考',
  '的实践探索',
  '的实践研究',
  '的应用研究',
  '的案例分析',
  '实践与探索',
  '探索与实践',
  '实践与研究',
  '研究与实践',
  '实践与思考',
  '实践探索',
  '实践研究',
  '应用研究',
  '应用案例',
  '典型案例',
  '案例分析',
  '案例研究',
  '行动研究',
  '的实践',
  '的探索',
  '的研究',
  '的应用',
  '的策略',
  '的思考',
  '以为例',
  '案例',
  '研究',
  '探索',
  '应用',
  '实践',
  '初探',
  '浅谈',
  '浅析',
  '例谈',
  '刍议',
  '策略',
  '思考',
  '基于',
  '依托',
  '为例',
  '的',
].map(foldText);

const STOCK = new RegExp(STOCK_TITLE_WORDS.join('|'), 'g');

/** What a title is about: folded (《》, punctuation and spaces gone) and without stock words. */
export const titleCore = (title: string): string => foldText(title).replace(STOCK, '');
