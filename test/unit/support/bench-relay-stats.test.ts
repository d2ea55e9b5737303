import { percentile, roundRatios } from '../../bench/relay/relay-stats';

describe('bench:relay figures', () => {
  test('round by round: the k-th run against the k-th, and their median', () => {
    expect(roundRatios([30, 28, 33], [20, 20, 30])).toEqual({ ratios: [1.5, 1.4, 1.1], median: 1.4 });
    // A neighbour's burst on one bare run moves the mean of the bare runs, not the median.
    const { ratios, median } = roundRatios([28, 28, 29, 30], [30, 18, 20, 20]);
    expect(ratios.map((r) => Number(r.toFixed(3)))).toEqual([0.933, 1.556, 1.45, 1.5]);
    expect(median).toBeCloseTo(1.475, 6);
    // Rounds the other list lacks are left out.
    expect(roundRatios([10, 20, 30], [10])).toEqual({ ratios: [1], median: 1 });
    expect(roundRatios([], [10]).median).toBeNaN();
  });

  test('percentile of a sorted list', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBeNaN();
  });
});
