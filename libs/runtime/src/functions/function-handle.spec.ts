import { ConfiguredFunction } from '../config/userscope-config.interface';
import { WORKFLOW_NAME } from '../runtime.constants';
import { FunctionHandle } from './function-handle';

/** A handle on `instance`, configured as `name` (the workflow, or a tool). */
function handleOn(instance: object, name = WORKFLOW_NAME): FunctionHandle {
  const fn = { name, path: 'workflow', type: { name: 'fixture', scope: 'per-user', parseInput: (value: unknown) => value }, config: {}, references: [] };
  return new FunctionHandle(fn as unknown as ConfiguredFunction, instance);
}

describe('FunctionHandle calls', () => {
  it.each([WORKFLOW_NAME, 'tool'])('make a function that throws at once fail as one that rejects (%s)', async (name) => {
    const failing = handleOn({ invoke: () => { throw new Error('at once'); } }, name);
    const call = failing.invokeParsed({});
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toThrow('at once');
  });

  it('give a function that returns a plain value a promise of it', async () => {
    await expect(handleOn({ invoke: () => 42 }).invokeParsed({})).resolves.toBe(42);
  });

  it("collect a stream-only function's chunks: strings joined, anything else as an array", async () => {
    const words = handleOn({ async *stream() { yield 'a'; yield 'b'; } });
    const values = handleOn({ async *stream() { yield 1; yield 'b'; } });
    await expect(words.invokeParsed({})).resolves.toBe('ab');
    await expect(values.invokeParsed({})).resolves.toEqual([1, 'b']);
  });
});
