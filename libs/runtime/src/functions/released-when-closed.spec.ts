import { releasedWhenClosed } from './released-when-closed';

async function* numbers(fail = false): AsyncGenerator<number> {
  yield 1;
  yield 2;
  if (fail) throw new Error('broken');
}

describe('releasedWhenClosed', () => {
  it('releases once when the stream ends', async () => {
    const release = jest.fn();
    const items: number[] = [];
    for await (const item of releasedWhenClosed(numbers(), release)) items.push(item);
    expect(items).toEqual([1, 2]);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('releases once when the stream throws', async () => {
    const release = jest.fn();
    await expect(async () => {
      for await (const _ of releasedWhenClosed(numbers(true), release));
    }).rejects.toThrow('broken');
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('releases when the consumer stops early, and closes the source', async () => {
    const release = jest.fn();
    const source = numbers();
    for await (const _ of releasedWhenClosed(source, release)) break;
    expect(release).toHaveBeenCalledTimes(1);
    expect(await source.next()).toEqual({ done: true, value: undefined });
  });

  it('releases when closed before its first item, which a generator never started could not do', async () => {
    const release = jest.fn();
    const iterator = releasedWhenClosed(numbers(), release)[Symbol.asyncIterator]();
    await iterator.return!();
    await iterator.return!();
    expect(release).toHaveBeenCalledTimes(1);
  });
});
