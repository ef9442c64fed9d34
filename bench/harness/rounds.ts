/** What a round starts and must end: server processes, a replica set. */
export interface RoundSubject {
  stop(): Promise<void>;
}

export interface RoundsPlan<V, S extends RoundSubject, R> {
  rounds: number;
  variants: readonly V[];
  /** Fresh processes for `variant`, so every variant starts each round from the same state. */
  start(variant: V, round: number): Promise<S>;
  measure(subject: S, variant: V, round: number): Promise<R>;
}

/**
 * Measures every variant once a round, each on what `start` gave it, stopped after (also when the
 * measurement failed). The order rotates every round so that drift on the machine (another
 * process, a warming CPU) does not always hit the same variant. Each variant's results, in round order.
 */
export async function inRounds<V, S extends RoundSubject, R>(plan: RoundsPlan<V, S, R>): Promise<Map<V, R[]>> {
  const results = new Map<V, R[]>(plan.variants.map((variant) => [variant, []]));
  for (let round = 0; round < plan.rounds; round++) {
    for (const variant of rotate(plan.variants, round)) {
      const subject = await plan.start(variant, round);
      try {
        results.get(variant)!.push(await plan.measure(subject, variant, round));
      } finally {
        await subject.stop();
      }
    }
  }
  return results;
}

/** `items` started at index `by` (mod length), wrapping round. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
