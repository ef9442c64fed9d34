import { inInterleavedRounds } from '../bench/harness/interleaved-rounds';

describe("bench harness: interleaved rounds (the /generate bench's)", () => {
  it('starts every variant of a round, measures them in turn with the order rotating each slice, and stops them all', async () => {
    const events: string[] = [];
    const results = await inInterleavedRounds({
      rounds: 2,
      slices: 3,
      variants: ['a', 'b', 'c'],
      start: async (variant, round) => {
        events.push(`start ${variant}${round}`);
        return { stop: async () => void events.push(`stop ${variant}${round}`) };
      },
      prepare: async (_subject, variant, round) => void events.push(`prepare ${variant}${round}`),
      measure: async (_subject, variant, round, slice) => `${variant}${round}.${slice}`,
    });
    expect(events.slice(0, 6)).toEqual(['start a0', 'prepare a0', 'start b0', 'prepare b0', 'start c0', 'prepare c0']);
    expect(events.slice(6, 9).sort()).toEqual(['stop a0', 'stop b0', 'stop c0']);
    expect(events[9]).toBe('start b1'); // the next round starts with the next variant
    expect(results.get('a')).toEqual([
      ['a0.0', 'a0.1', 'a0.2'],
      ['a1.0', 'a1.1', 'a1.2'],
    ]);
  });

  it('rotates the measuring order every slice, so no variant always goes first', async () => {
    const order: string[] = [];
    await inInterleavedRounds({
      rounds: 1,
      slices: 3,
      variants: ['a', 'b', 'c'],
      start: async () => ({ stop: async () => undefined }),
      prepare: async () => undefined,
      measure: async (_subject, variant) => void order.push(variant),
    });
    expect(order.join('')).toBe('abcbcacab');
  });

  it('stops the processes it started when a measurement fails, and fails with its error', async () => {
    const stopped: string[] = [];
    const run = inInterleavedRounds({
      rounds: 1,
      slices: 2,
      variants: ['a', 'b'],
      start: async (variant) => ({ stop: async () => void stopped.push(variant) }),
      prepare: async () => undefined,
      measure: async (_subject, variant, _round, slice) => {
        if (variant === 'b' && slice === 1) throw new Error('b: 12 non-2xx replies');
      },
    });
    await expect(run).rejects.toThrow('b: 12 non-2xx replies');
    expect(stopped.sort()).toEqual(['a', 'b']);
  });
});
