import { inspectJson } from './json-inspector';

const nest = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('inspectJson', () => {
  it('counts the value itself as level 1, arrays and objects alike', () => {
    expect(inspectJson(nest(3), { maxDepth: 3 })).toBeUndefined();
    expect(inspectJson(nest(4), { maxDepth: 3 })).toEqual({ kind: 'too_deep' });
    expect(inspectJson('text', { maxDepth: 0 })).toBeUndefined();
  });

  it('walks 200,000 levels without overflowing the stack', () => {
    expect(inspectJson(nest(200_000), { maxDepth: 64 })).toEqual({ kind: 'too_deep' });
    expect(inspectJson(nest(200_000), {})).toBeUndefined();
  });

  it('names a refused key with its path; array indexes are not keys', () => {
    const refuseKey = (key: string) => (key === 'bad' ? key : undefined);
    expect(inspectJson({ a: { list: [{ ok: 1 }, { bad: 2 }] } }, { refuseKey })).toEqual({ kind: 'forbidden_key', key: 'bad', path: 'a.list[1].bad' });
    expect(inspectJson({ bad: 1 }, { refuseKey })).toEqual({ kind: 'forbidden_key', key: 'bad', path: 'bad' });
    expect(inspectJson(['bad'], { refuseKey })).toBeUndefined();
  });
});
