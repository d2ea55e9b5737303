/** Seeded randomness for the simulator (pure-rand's xoroshiro128+), so every run is reproducible. */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

const SPAN = 2 ** 30;

export class Rng {
  private readonly gen: RandomGenerator;

  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return unsafeUniformIntDistribution(0, SPAN - 1, this.gen) / SPAN;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Normal(0, sd) by Box–Muller. */
  normal(sd: number): number {
    const u = Math.max(this.next(), 1e-12);
    return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
