import { describe, expect, it } from 'vitest';
import { CappedMap } from '../src/util/capped-map.ts';

describe('CappedMap', () => {
  it('forgets the oldest entry when a new key would pass the limit', () => {
    const map = new CappedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect([...map]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('keeps every entry when an existing key is set again', () => {
    const map = new CappedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 10);
    expect([...map]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
  });
});
