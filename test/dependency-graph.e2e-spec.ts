import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DependencyGraphError } from '@userscope/runtime';
import { createUserscopeApp, loadApplication } from 'userscope';
import { runCli } from 'userscope';

const GRAPH_PLUGIN = resolve(__dirname, 'fixtures/graph.plugin');
const BAD_SERVICE_PLUGIN = resolve(__dirname, 'fixtures/graph-bad-service.plugin');
const BAD_CONTROLLER_PLUGIN = resolve(__dirname, 'fixtures/graph-bad-controller.plugin');

describe('dependency rules checked at startup', () => {
  let dir: string;
  let count = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-graph-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function configFile(body: string, plugins = [GRAPH_PLUGIN]): string {
    const file = join(dir, `config-${++count}.yml`);
    writeFileSync(file, `general:\n  plugins: ${JSON.stringify(plugins)}\n${body}`);
    return file;
  }

  async function startupError(file: string): Promise<DependencyGraphError> {
    const app = createUserscopeApp(loadApplication(file), { logger: false });
    await expect(app).rejects.toBeInstanceOf(DependencyGraphError);
    return app.catch((error) => error);
  }

  it('allows per-user → per-user, per-user → shared, and shared → shared', async () => {
    const file = configFile(`
functions:
  store: { _type: pu_store }
  echo: { _type: shared_echo }
  to_store: { _type: pu_router, target: store }
  to_echo: { _type: shared_router, target: echo }
  per_user_to_shared: { _type: pu_router, target: to_echo }
workflow:
  _type: pu_router
  target: to_store
`);
    const app = await createUserscopeApp(loadApplication(file), { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const url = await app.getUrl();
      const call = (user: string) =>
        fetch(`${url}/generate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
          body: '{}',
        }).then((r) => r.json());
      expect(await call('ann')).toEqual({ calls: 1, shared: 1 });
      expect(await call('ann')).toEqual({ calls: 2, shared: 2 });
      // Same user → same per-user instance; another user → own instance, same shared service.
      expect(await call('ben')).toEqual({ calls: 1, shared: 3 });
    } finally {
      await app.close();
    }
  });

  it('refuses a shared workflow over a per-user function (sequential_executor over notepad)', async () => {
    const error = await startupError(
      configFile(
        `
functions:
  notepad: { _type: per_user_notepad }
workflow:
  _type: sequential_executor
  tool_list: [notepad]
`,
        ['@userscope/examples'],
      ),
    );
    expect(error.problems).toEqual(['Shared Workflow depends on per-user function `notepad` (workflow → notepad)']);
  });

  it('names the whole chain when a shared function reaches a per-user one through others', async () => {
    const error = await startupError(
      configFile(`
functions:
  notepad: { _type: pu_store }
  helper: { _type: shared_router, target: notepad }
  router: { _type: shared_router, target: helper }
workflow:
  _type: pu_router
  target: router
`),
    );
    expect(error.problems).toEqual([
      'Function `helper` depends on per-user function `notepad` (helper → notepad)',
      'Function `router` depends on per-user function `notepad` (router → helper → notepad)',
    ]);
    expect(error.message).toContain('Function `router` depends on per-user function `notepad` (router → helper → notepad)');
  });

  it('refuses a shared function whose constructor injects a per-user provider', async () => {
    const error = await startupError(configFile('workflow:\n  _type: shared_with_per_user_helper\n'));
    expect(error.problems).toEqual(['Shared Workflow depends on per-user provider `PerUserHelper` (workflow → PerUserHelper)']);
  });

  it('refuses a shared function that injects the per-user Functions accessor', async () => {
    const error = await startupError(
      configFile('functions:\n  bad: { _type: shared_with_per_user_accessor }\nworkflow:\n  _type: shared_echo\n'),
    );
    expect(error.problems).toEqual(['Function `bad` depends on per-user provider `Functions` (bad → Functions)']);
  });

  it('refuses a plain shared service that injects a per-user provider', async () => {
    const error = await startupError(configFile('workflow:\n  _type: shared_echo\n', [GRAPH_PLUGIN, BAD_SERVICE_PLUGIN]));
    expect(error.problems).toEqual(['Shared provider `ReportService` depends on per-user provider `PerUserHelper` (ReportService → PerUserHelper)']);
  });

  it('follows enhancers: a shared controller whose guard injects a per-user provider', async () => {
    const error = await startupError(configFile('workflow:\n  _type: shared_echo\n', [GRAPH_PLUGIN, BAD_CONTROLLER_PLUGIN]));
    expect(error.problems).toEqual([
      'Shared provider `PerUserAwareGuard` depends on per-user provider `PerUserHelper` (PerUserAwareGuard → PerUserHelper)',
      'Shared controller `ReportController` depends on per-user provider `PerUserHelper` (ReportController → PerUserAwareGuard → PerUserHelper)',
    ]);
  });

  it('reports a cycle of references instead of looping on it', async () => {
    const error = await startupError(
      configFile(`
functions:
  a: { _type: pu_router, target: b }
  b: { _type: pu_router, target: a }
workflow:
  _type: pu_router
  target: a
`),
    );
    expect(error.problems).toEqual(['Dependency cycle between functions: a → b → a']);
  });

  it('makes `validate` fail with the same message', async () => {
    const file = configFile('functions:\n  notepad: { _type: per_user_notepad }\nworkflow:\n  _type: sequential_executor\n  tool_list: [notepad]\n', ['@userscope/examples']);
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')));
    try {
      expect(await runCli(['validate', '--config_file', file])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toContain('Shared Workflow depends on per-user function `notepad` (workflow → notepad)');
  });
});
