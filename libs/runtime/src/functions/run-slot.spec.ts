import { NOTHING_HELD, RunAdmission } from '../interfaces/run-admission.interface';
import { inRunSlot } from './run-slot';

/** An admission that hands out `release` (at once, or after a wait), or refuses with `refusal`. */
function admission(outcome: { release?: () => void; wait?: boolean; refusal?: Error }): RunAdmission {
  return {
    admit: () => {
      if (outcome.refusal) throw outcome.refusal;
      const release = outcome.release ?? NOTHING_HELD;
      return outcome.wait ? Promise.resolve(release) : release;
    },
  };
}

describe('inRunSlot', () => {
  it("returns the work's own promise when the admission holds nothing for the user", () => {
    const running = Promise.resolve('done');
    expect(inRunSlot(admission({}), 'u1', () => running)).toBe(running);
  });

  it.each([
    ['at once', false],
    ['after a wait', true],
  ])('gives a slot taken %s back once the work succeeds, fails or throws', async (_case, wait) => {
    const release = jest.fn();
    await expect(inRunSlot(admission({ release, wait }), 'u1', async () => 'done')).resolves.toBe('done');
    await expect(inRunSlot(admission({ release, wait }), 'u1', () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    await expect(
      inRunSlot(admission({ release, wait }), 'u1', () => {
        throw new Error('threw');
      }),
    ).rejects.toThrow('threw');
    expect(release).toHaveBeenCalledTimes(3);
  });

  it("rejects with the admission's refusal, without running the work", async () => {
    const work = jest.fn();
    await expect(inRunSlot(admission({ refusal: new Error('over the cap') }), 'u1', work)).rejects.toThrow('over the cap');
    expect(work).not.toHaveBeenCalled();
  });
});
