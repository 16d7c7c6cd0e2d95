/**
 * A seeded pseudo-random number generator, shared by the fake LLM (its replies,
 * response ids and latencies) and lesson 06 (its reproducible trace ids).
 *
 * Math.random() cannot be seeded, so every run would differ; with a seed, the
 * same program prints the same ids and replies on every machine, and tests can
 * assert on exact counts.
 */

/**
 * mulberry32, a small and well-known 32-bit PRNG: the same seed gives the same
 * sequence of floats in [0, 1). Not for anything that must be unpredictable.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
