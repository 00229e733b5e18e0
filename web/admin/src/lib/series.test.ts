import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from './series';

describe('SeriesBuffer', () => {
  it('keeps points in time order, replaces a repeated instant and drops late ones', () => {
    const s = new SeriesBuffer();
    s.push('a', 1000, 1);
    s.push('a', 2000, 2);
    s.push('a', 2000, 3);
    s.push('a', 1500, 9);
    expect(s.points('a')).toEqual([
      [1000, 1],
      [2000, 3],
    ]);
  });

  it('keeps at most maxPoints per key', () => {
    const s = new SeriesBuffer(3);
    for (let i = 0; i < 10; ++i) s.push('k', i, i);
    expect(s.points('k').map((p) => p[0])).toEqual([7, 8, 9]);
    s.push('b', 0, 0);
    expect(s.keys()).toEqual(['b', 'k']);
    expect(s.size()).toBe(4);
  });
});
