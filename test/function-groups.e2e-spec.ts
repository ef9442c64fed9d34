import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, DependencyGraphError, SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { createUserscopeApp, loadApplication } from 'userscope';
import { startServer, TestServer } from './support/test-server';
import { CalculatorGroup } from './fixtures/groups.plugin';

describe('function groups', () => {
  let server: TestServer;
  const call = async (user: string, tool: string, input: unknown = {}) =>
    (await server.post('/generate', { tool, input }, user)).json;

  beforeAll(async () => {
    server = await startServer('test/fixtures/groups.yml');
  });
  afterAll(() => server.close());

  it('lets the functions of a per-user group share one state per user', async () => {
    expect(await call('gina', 'calc__add', { amount: 5 })).toEqual({ result: 15 });
    expect(await call('gina', 'calc__add', { amount: 3 })).toEqual({ result: 18 });
    expect(await call('gina', 'calc__recall')).toEqual({ result: 18 });
  });

  it('isolates a per-user group between users', async () => {
    await call('hugo', 'calc__add', { amount: 100 });
    expect(await call('ivan', 'calc__recall')).toEqual({ result: 10 });
    expect(await call('hugo', 'calc__recall')).toEqual({ result: 110 });
  });

  it('shares a shared group between users', async () => {
    const first = (await call('jack', 'tally__bump')).result;
    expect(await call('kate', 'tally__bump')).toEqual({ result: first + 1 });
  });

  it('validates a group function input against its own schema', async () => {
    const reply = await server.post('/generate', { tool: 'calc__add', input: { amount: 'many' } }, 'lena');
    expect(reply.status).toBe(422);
    expect(reply.json.message).toContain("calculator__add");
  });

  it('serves a streaming group function, collected when called for a single output', async () => {
    await call('mia', 'calc__add', { amount: -7 });
    expect(await call('mia', 'calc__countdown')).toEqual({ result: [3, 2, 1] });
  });

  it('builds a per-user group once per user and disposes it when the session ends', async () => {
    const registry = server.app.get(SessionRegistry);
    const before = CalculatorGroup.ended;
    await call('nina', 'calc__recall');
    await server.app.get(SessionLifecycle).end(registry.get('nina')!);
    expect(CalculatorGroup.ended).toBe(before + 1);
  });
});

describe('function group config', () => {
  let dir: string;
  const plugin = resolve(__dirname, 'fixtures/groups.plugin');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-groups-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function issues(groups: string, tools = '[calc__add]'): string[] {
    const file = join(dir, `c${Math.random()}.yml`);
    writeFileSync(file, `general:\n  plugins: [${JSON.stringify(plugin)}]\nfunction_groups:\n${groups}\nworkflow:\n  _type: dispatcher\n  tools: ${tools}\n`);
    try {
      loadApplication(file);
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
      throw error;
    }
    return [];
  }

  it('exposes only what include/exclude select', () => {
    expect(issues('  calc: { _type: calculator, exclude: [reset] }', '[calc__reset]')).toEqual([
      expect.stringContaining("workflow: refers to function 'calc__reset', which is not configured"),
    ]);
    expect(issues('  calc: { _type: calculator, include: [add] }', '[calc__add]')).toEqual([]);
  });

  it('names unknown functions in include and exclude, with the ones the group has', () => {
    expect(issues('  calc: { _type: calculator, include: [add, divide] }')).toEqual([
      'function_groups.calc.include: names functions the group does not have: divide (the group has: add, recall, reset, countdown)',
    ]);
  });

  it('refuses include and exclude together, and an unknown group type', () => {
    expect(issues('  calc: { _type: calculator, include: [add], exclude: [reset] }')).toEqual([
      "function_groups.calc: give 'include' or 'exclude', not both",
    ]);
    expect(issues('  calc: { _type: abacus }')[0]).toContain("unknown function group _type 'abacus'. Registered group types: calculator, mcp_client, per_user_mcp_client, tally");
  });

  it('refuses a shared function that reaches a per-user group', async () => {
    const file = join(dir, 'shared-to-group.yml');
    const graphPlugin = resolve(__dirname, 'fixtures/graph.plugin');
    writeFileSync(
      file,
      `general:\n  plugins: [${JSON.stringify(plugin)}, ${JSON.stringify(graphPlugin)}]\n` +
        'function_groups:\n  calc: { _type: calculator }\nfunctions:\n  r: { _type: shared_router, target: calc__add }\n' +
        'workflow:\n  _type: dispatcher\n  tools: [r]\n',
    );
    const failure = await createUserscopeApp(loadApplication(file), { logger: false }).catch((error) => error);
    expect(failure).toBeInstanceOf(DependencyGraphError);
    expect(failure.problems).toEqual(['Function `r` depends on per-user function group `calc` (r → calc)']);
  });

  it('validates the group config', () => {
    expect(issues('  calc: { _type: calculator, start: ten }')).toEqual(['function_groups.calc.start: must be an integer number']);
  });
});
