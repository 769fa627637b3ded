import { normalize, unitsToString } from '../similarity/text/normalize.ts';

/**
 * Text as the similarity engine compares it: NFKC, case folded, traditional → simplified,
 * with whitespace, punctuation and symbols (《》, “”, ·) removed. Names, units and titles
 * are folded this way so that spelling variants compare equal.
 */
export const foldText = (text: string): string => unitsToString(normalize(text).chars);

/** 0 at or below `low`, 1 at or above `high`, linear in between: turns a similarity into a signal strength. */
export const ramp = (x: number, low: number, high: number): number => Math.min(1, Math.max(0, (x - low) / (high - low)));

/** Strength of several independent pieces of evidence together (noisy-OR). */
export const anyOf = (...strengths: number[]): number => 1 - strengths.reduce((p, s) => p * (1 - s), 1);
