import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/** Chinese words (jieba, with its HMM for words the dictionary lacks), loaded once on first use. */
let jieba: Jieba | null = null;
const segmenter = (): Jieba => (jieba ??= Jieba.withDict(dict));

/** Loads the dictionary now (a third of a second) rather than with the first title. */
export const loadWords = (): void => void segmenter();

/** A word worth comparing: two or more characters with a letter or an ideograph, not a number. */
export const isContentWord = (word: string): boolean => /^(?=.*[\p{L}])[\p{L}\p{N}]{2,}$/u.test(word);

/** Every token of a text in order, punctuation included (their lengths add up to the text's). */
export const segmentWords = (text: string): string[] => segmenter().cut(text, true);

/**
 * Content words of a short text with the shorter words inside long ones too (英语教学 →
 * 英语, 教学, 英语教学), so two titles that segment differently still share words.
 */
export const titleWords = (text: string): string[] => [...new Set(segmenter().cutForSearch(text, true).filter(isContentWord))];
