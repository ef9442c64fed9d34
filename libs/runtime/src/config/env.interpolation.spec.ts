import { ConfigIssue } from '../exceptions/config.exception';
import { interpolateEnv } from './env.interpolation';

function interpolate(value: unknown, env: NodeJS.ProcessEnv = {}): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  return { value: interpolateEnv(value, env, issues), issues };
}

describe('interpolateEnv (${VAR} and ${VAR:-default} in a parsed YAML document)', () => {
  it.each<[string, NodeJS.ProcessEnv, unknown]>([
    ['${NAME}', { NAME: 'alice' }, 'alice'],
    ['hello ${NAME}!', { NAME: 'alice' }, 'hello alice!'],
    ['${A}-${B}', { A: 'x', B: 'y' }, 'x-y'],
    ['${NAME:-bob}', {}, 'bob'],
    ['${NAME:-bob}', { NAME: 'alice' }, 'alice'],
    ['${NAME:-}', {}, ''],
    ['${MAX:-50}', {}, 50],
    ['${MAX}', { MAX: '7' }, 7],
    ['${RATIO}', { RATIO: '0.5' }, 0.5],
    ['${ON:-true}', {}, true],
    ['${ON}', { ON: 'false' }, false],
    [' ${MAX:-50} ', {}, 50],
    ['max ${MAX:-50}', {}, 'max 50'],
    ['${TOKEN}', { TOKEN: 'abc: def' }, 'abc: def'],
    ['${TOKEN}', { TOKEN: '@secret' }, '@secret'],
    ['no reference', {}, 'no reference'],
    ['$NAME stays', { NAME: 'alice' }, '$NAME stays'],
  ])('%p with %p is %p', (text, env, expected) => {
    expect(interpolate(text, env)).toEqual({ value: expected, issues: [] });
  });

  it('leaves numbers, booleans and null alone', () => {
    expect(interpolate({ a: 1, b: true, c: null })).toEqual({ value: { a: 1, b: true, c: null }, issues: [] });
  });

  it('reports each unset variable with the key path, list indexes included', () => {
    const { issues } = interpolate({ functions: { notepad: { max_notes: '${MAX}' } }, plugins: ['ok', '${PLUGIN}'] });
    expect(issues).toEqual([
      { path: 'functions.notepad.max_notes', message: expect.stringContaining('environment variable MAX is not set') },
      { path: 'plugins[1]', message: expect.stringContaining('environment variable PLUGIN is not set') },
    ]);
    expect(issues[0].message).toContain("'${MAX}' has no default (use ${MAX:-default})");
  });

  it("keeps a '__proto__' key as data, never as the object's prototype", () => {
    const document = JSON.parse('{"__proto__": {"polluted": "${X:-yes}"}, "theme": "dark"}');
    const { value } = interpolate(document);
    expect(Object.keys(value as object)).toEqual(['__proto__', 'theme']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect((value as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not change the document it reads', () => {
    const document = { a: '${X:-1}', list: ['${Y:-2}'] };
    expect(interpolate(document).value).toEqual({ a: 1, list: [2] });
    expect(document).toEqual({ a: '${X:-1}', list: ['${Y:-2}'] });
  });
});
