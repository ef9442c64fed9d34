import { HandoverRequests } from './handover.requests';

describe('HandoverRequests', () => {
  it("asks for a user at every `after`-th request forwarded, each user counted apart", () => {
    const requests = new HandoverRequests(3, () => true);
    const asks = ['ann', 'ann', 'ben', 'ann', 'ben', 'ann', 'ann', 'ben', 'ann'].map((user) => requests.countForward(user));
    expect(asks).toEqual([false, false, false, true, false, false, false, true, true]);
  });

  it('never asks with 0, nor while handovers are not allowed (memory state, draining)', () => {
    let allowed = false;
    const requests = new HandoverRequests(1, () => allowed);
    expect([requests.countForward('ann'), requests.countForward('ann')]).toEqual([false, false]);
    allowed = true;
    expect(requests.countForward('ann')).toBe(true);
    const never = new HandoverRequests(0, () => true);
    expect(Array.from({ length: 5 }, () => never.countForward('ann'))).toEqual(Array(5).fill(false));
  });
});
