import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Module } from '@nestjs/common';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { SharedFunction, UserscopePlugin } from '@userscope/runtime';
import { createTestServer } from '@userscope/testing';
import { defineConfig, runCli } from 'userscope';

/** A config written in code is accepted wherever a config file is: the CLI, the module, the testing kit. */
const SEED = defineConfig({
  functions: { notepad: { _type: 'per_user_notepad' }, preferences: { _type: 'per_user_preferences' } },
  workflow: { _type: 'per_user_assistant', notepad_name: 'notepad', preferences_name: 'preferences' },
});

const SALUTATION = 'salutation';

@SharedFunction({ name: 'greeter', input: String, output: String })
class Greeter {
  constructor(@Inject(SALUTATION) private readonly salutation: string) {}
  invoke(name: string): string {
    return `${this.salutation}, ${name}`;
  }
}

@UserscopePlugin({ functions: [Greeter] })
@Module({ providers: [{ provide: SALUTATION, useValue: 'Hello' }] })
class GreeterPlugin {}

describe('configs written in code', () => {
  let dir: string;
  const output: string[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-code-config-'));
    jest.spyOn(console, 'log').mockImplementation((...args) => void output.push(args.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...args) => void output.push(args.join(' ')));
  });
  afterAll(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (output.length = 0));

  const withExamples = { ...SEED, general: { plugins: ['@userscope/examples'] } };

  it('validate and run take a .js config file (its export, or its default export)', async () => {
    const file = join(dir, 'userscope.config.js');
    writeFileSync(file, `module.exports = ${JSON.stringify(withExamples)};`);
    expect(await runCli(['validate', '--config_file', file])).toBe(0);
    expect(output.join('\n')).toContain('is valid: workflow per_user_assistant (per-user)');

    const esm = join(dir, 'default-export.cjs');
    writeFileSync(esm, `exports.default = ${JSON.stringify(withExamples)};`);
    expect(await runCli(['run', '--config_file', esm, '--user', 'ann', '--input', '{"command":"stats"}'])).toBe(0);
    expect(output).toContain('{"success":true,"message":"Session statistics: 1 commands executed","data":{"commands_executed":1}}');
  });

  it('reports a bad .js config with the file and the key path, as for YAML', async () => {
    const file = join(dir, 'bad.config.js');
    writeFileSync(file, `module.exports = ${JSON.stringify({ ...withExamples, functions: { notepad: { _type: 'per_user_notepad', max_notes: -1 } } })};`);
    expect(await runCli(['validate', '--config_file', file])).toBe(1);
    expect(output.join('\n')).toContain(`Invalid config ${file}`);
    expect(output.join('\n')).toContain('functions.notepad.max_notes: must not be less than 0');

    const withFunction = join(dir, 'function.config.js');
    writeFileSync(withFunction, `module.exports = { ...${JSON.stringify(withExamples)}, general: { plugins: [() => 1] } };`);
    expect(await runCli(['validate', '--config_file', withFunction])).toBe(1);
    expect(output.join('\n')).toContain('the config must be plain data');

    const broken = join(dir, 'broken.config.js');
    writeFileSync(broken, 'throw new Error("no config here");');
    expect(await runCli(['validate', '--config_file', broken])).toBe(1);
    expect(output.join('\n')).toContain('cannot load: no config here');
  });

  it('serves a config object with plugins given as classes (the testing kit)', async () => {
    const server = await createTestServer({ config: SEED, plugins: [PerUserWorkflowExampleModule] });
    try {
      await server.asUser('ann').generate({ command: 'note', action: 'add', param1: 'hi' });
      expect((await server.asUser('ann').generate({ command: 'note', action: 'list' })).json.data.notes).toEqual(['hi']);
      expect((await server.asUser('bob').generate({ command: 'note', action: 'list' })).json.data.notes).toEqual([]);
      const events = await server.asUser('ann').stream({ command: 'stats' });
      expect(events[0]).toEqual({ event: 'message', data: expect.objectContaining({ success: true }) });
      expect((await server.client().generate({ command: 'stats' })).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('takes @nestjs/testing overrides of providers', async () => {
    const config = defineConfig({ workflow: { _type: 'greeter' } });
    const plain = await createTestServer({ config, plugins: [GreeterPlugin] });
    const overridden = await createTestServer({
      config,
      plugins: [GreeterPlugin],
      overrides: (builder) => builder.overrideProvider(SALUTATION).useValue('Howdy'),
    });
    try {
      expect((await plain.client().generate('Ann')).json).toBe('Hello, Ann');
      expect((await overridden.client().generate('Ann')).json).toBe('Howdy, Ann');
    } finally {
      await plain.close();
      await overridden.close();
    }
  });

  it('names what to use instead of asUser() when users are not named by a cookie', async () => {
    const config = { ...SEED, general: { identity: { mode: 'header', header_name: 'x-user', trusted_proxies: ['127.0.0.1'] } } };
    const server = await createTestServer({ config, plugins: [PerUserWorkflowExampleModule] });
    try {
      expect(() => server.asUser('ann')).toThrow(/general.identity.mode is 'header': use client\(/);
      expect((await server.client({ 'x-user': 'ann' }).generate({ command: 'stats' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
