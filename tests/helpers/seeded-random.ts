/**
 * A reproducible stream of random numbers for fault and soak runs: a run prints its
 * seed, and the same seed replays the same choices (mulberry32).
 */
export interface Random {
  (): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Each item kept with probability `p`. */
  subset<T>(items: readonly T[], p: number): T[];
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (() => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Random;
  next.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  next.pick = (items) => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  };
  next.subset = (items, p) => items.filter(() => next() < p);
  return next;
}

/** The seed of a run: $CORDON_FAULT_SEED to replay one, else a fresh one. */
export function runSeed(): number {
  const given = process.env.CORDON_FAULT_SEED;
  return given === undefined ? Math.floor(Math.random() * 1_000_000) : Number(given);
}
