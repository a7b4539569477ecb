/**
 * Seeded pseudo-random numbers (mulberry32) and the distributions the simulator samples. The same
 * seed gives the same sequence on every machine, so a run is reproduced exactly by its seed.
 */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Waiting time to the next event of a Poisson process with this rate (per unit of time). */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with this mean and standard deviation (of the value itself, not its logarithm). */
  lognormal(mean: number, sd: number): number {
    if (sd === 0) return mean;
    const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
    return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * this.normal());
  }

  /** Normal with this mean and standard deviation, redrawn until at least `min`. */
  truncatedNormal(mean: number, sd: number, min: number): number {
    for (let i = 0; i < 1000; i++) {
      const x = mean + sd * this.normal();
      if (x >= min) return x;
    }
    return Math.max(min, mean);
  }

  /** One key, with probability proportional to its weight (weights ≥ 0, not all 0). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [key, w] of entries) {
      x -= w;
      if (x < 0 && w > 0) return key;
    }
    const last = entries.filter(([, w]) => w > 0).at(-1);
    if (last === undefined) throw new RangeError('weighted choice needs a positive weight');
    return last[0];
  }
}
