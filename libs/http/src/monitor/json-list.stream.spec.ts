import type { Readable } from 'node:stream';
import { jsonListStream } from './json-list.stream';

async function textOf(stream: Readable): Promise<{ text: string; chunks: number }> {
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    text += String(chunk);
    chunks++;
  }
  return { text, chunks };
}

const item = (index: number) => ({ user_id: `u${index}`, n: index, nested: { list: [index, 'x"y'] } });

describe('jsonListStream', () => {
  it.each([0, 1, 3, 4, 5, 9])('gives the bytes JSON.stringify gives the whole, for %i items in turns of 4', async (count) => {
    const items = Array.from({ length: count }, (_, index) => item(index));
    const whole = JSON.stringify({ timestamp: 't', total: count, users: items, missing: ['r2'] });
    const { text, chunks } = await textOf(jsonListStream('{"timestamp":"t","total":' + count + ',"users":[', count, item, '],"missing":["r2"]}', 4));
    expect(text).toBe(whole);
    expect(chunks).toBe(Math.ceil(count / 4) + 1);
  });

  it('builds each turn\'s items only when it is reached, awaiting those that are promises, and lets the event loop turn between turns', async () => {
    const built: number[] = [];
    const turns: string[] = [];
    const build = async (index: number) => {
      built.push(index);
      return index;
    };
    const stream = jsonListStream('[', 6, build, ']', 2);
    const reading = textOf(stream);
    // Queued now: it must run before the last items are built, since a turn comes after every two.
    setImmediate(() => turns.push(`loop turned after ${built.length} built`));
    expect((await reading).text).toBe('[0,1,2,3,4,5]');
    expect(turns).toHaveLength(1);
    expect(Number(turns[0].match(/after (\d+)/)![1])).toBeLessThan(6);
  });

  it('stops building once the reader leaves', async () => {
    const built: number[] = [];
    const stream = jsonListStream('[', 1_000, (index) => (built.push(index), index), ']', 10);
    for await (const _chunk of stream) break; // the client went away after the first chunk
    await new Promise((resolve) => setImmediate(resolve));
    expect(built.length).toBeLessThan(1_000);
  });
});
