import { RoundSubject, rotate } from './rounds';

export interface InterleavedPlan<V, S extends RoundSubject, R> {
  rounds: number;
  variants: readonly V[];
  /** Measured slices of each variant per round. */
  slices: number;
  /** Fresh processes for `variant`, so every variant starts each round from the same state. */
  start(variant: V, round: number): Promise<S>;
  /** Before the first slice (a reply check, a warm-up). */
  prepare(subject: S, variant: V, round: number): Promise<void>;
  measure(subject: S, variant: V, round: number, slice: number): Promise<R>;
}

/**
 * Like `inRounds`, but every variant of a round runs at once and the measurement alternates between
 * them in short slices, the order rotating every slice: a burst of other work on a shared machine
 * then lands on all variants of the round alike, where one long run per variant would put it on
 * one. Idle variants wait on their sockets, so they cost the measured one nothing. Each variant's
 * slices, by round.
 */
export async function inInterleavedRounds<V, S extends RoundSubject, R>(plan: InterleavedPlan<V, S, R>): Promise<Map<V, R[][]>> {
  const results = new Map<V, R[][]>(plan.variants.map((variant) => [variant, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const subjects = new Map<V, S>();
    try {
      for (const variant of rotate(plan.variants, round)) {
        const subject = await plan.start(variant, round);
        subjects.set(variant, subject);
        await plan.prepare(subject, variant, round);
      }
      const slices = new Map<V, R[]>(plan.variants.map((variant) => [variant, []]));
      for (let slice = 0; slice < plan.slices; slice++) {
        for (const variant of rotate(plan.variants, round + slice)) {
          slices.get(variant)!.push(await plan.measure(subjects.get(variant)!, variant, round, slice));
        }
      }
      for (const variant of plan.variants) results.get(variant)!.push(slices.get(variant)!);
    } finally {
      await Promise.all([...subjects.values()].map((subject) => subject.stop()));
    }
  }
  return results;
}
