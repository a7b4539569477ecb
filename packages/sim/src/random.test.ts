import { describe, expect, test } from 'vitest';
import { Random } from './random.js';

const draws = (seed: number, n: number, f: (r: Random) => number) => {
  const r = new Random(seed);
  return Array.from({ length: n }, () => f(r));
};
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: number[]) => {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('Random', () => {
  test('the same seed gives the same sequence; another seed another', () => {
    expect(draws(42, 5, (r) => r.next())).toEqual(draws(42, 5, (r) => r.next()));
    expect(draws(42, 5, (r) => r.next())).not.toEqual(draws(43, 5, (r) => r.next()));
  });

  test('uniform draws stay in [0, 1)', () => {
    for (const x of draws(1, 10_000, (r) => r.next())) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  test.each([
    ['lognormal', (r: Random) => r.lognormal(6, 3), 6, 3],
    ['truncated normal far from the cut', (r: Random) => r.truncatedNormal(20, 3, 0.5), 20, 3],
    ['exponential of rate 4 (mean 1/4)', (r: Random) => r.exponential(4), 0.25, 0.25],
  ])('%s has the asked mean and spread', (_name, draw, mean, sd) => {
    const xs = draws(7, 40_000, draw);
    expect(meanOf(xs)).toBeCloseTo(mean, 1);
    expect(sdOf(xs)).toBeCloseTo(sd, 1);
  });

  test('truncated normal never goes below its floor', () => {
    expect(Math.min(...draws(3, 10_000, (r) => r.truncatedNormal(1, 3, 0.5)))).toBeGreaterThanOrEqual(0.5);
  });

  test('weighted choice follows the weights and never picks a zero weight', () => {
    const picks = draws(9, 20_000, (r) => ['a', 'b', 'c'].indexOf(r.weighted({ a: 1, b: 3, c: 0 })));
    expect(picks.filter((p) => p === 0).length / picks.length).toBeCloseTo(0.25, 1);
    expect(picks.includes(2)).toBe(false);
  });
});
