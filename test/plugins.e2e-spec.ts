import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionRegistrationError } from '@userscope/runtime';
import { loadApplication } from 'userscope';
import { startServer } from './support/test-server';

/** A plugin package as a user would publish it: plain JS, decorators applied by hand. */
const HELLO_PLUGIN = `
const { Module } = require('@nestjs/common');
const { SharedFunction, UserscopePlugin } = require('@userscope/runtime');
class HelloFunction { invoke(name) { return 'Hello, ' + name + '!'; } }
SharedFunction({ name: 'hello', input: String, output: String })(HelloFunction);
class HelloPlugin {}
Module({})(HelloPlugin);
UserscopePlugin({ functions: [HelloFunction] })(HelloPlugin);
module.exports = { HelloPlugin };
`;

describe('plugin modules from general.plugins', () => {
  let dir: string;
  beforeAll(() => {
    // Inside the repository, so a plugin resolves @nestjs/* from the app's node_modules as an installed one would.
    dir = mkdtempSync(join(__dirname, '.tmp-plugins-'));
    mkdirSync(join(dir, 'node_modules', 'userscope-plugin-hello'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'userscope-plugin-hello', 'index.js'), HELLO_PLUGIN);
    writeFileSync(join(dir, 'local-hello.js'), HELLO_PLUGIN);
    writeFileSync(join(dir, 'not-a-plugin.js'), 'module.exports = { answer: 42 };');
    writeFileSync(join(dir, 'broken.js'), 'throw new Error("boom at import");');
    writeFileSync(
      join(dir, 'duplicate.js'),
      HELLO_PLUGIN.replace("name: 'hello'", "name: 'per_user_notepad'").replace('HelloPlugin', 'DuplicatePlugin').replace(/HelloPlugin/g, 'DuplicatePlugin'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function config(plugins: string[]): string {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(file, `general:\n  plugins: ${JSON.stringify(plugins)}\nworkflow:\n  _type: hello\n`);
    return file;
  }

  function loadError(plugins: string[]): string {
    try {
      loadApplication(config(plugins));
    } catch (error) {
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      return (error as Error).message;
    }
    throw new Error('loaded');
  }

  it('loads a plugin by package name and serves its function', async () => {
    const server = await startServer(config(['userscope-plugin-hello']));
    try {
      const reply = await server.post('/generate', '"Ada"');
      expect(reply.json).toBe('Hello, Ada!');
    } finally {
      await server.close();
    }
  });

  it('loads a plugin by a path relative to the config file', () => {
    const loaded = loadApplication(config(['./local-hello.js']));
    expect(loaded.config.workflow.type.name).toBe('hello');
  });

  it('names a plugin that cannot be found', () => {
    expect(loadError(['./missing-plugin'])).toMatch(/^Plugin '\.\/missing-plugin' could not be loaded \(looked from .*\): Cannot find module/);
  });

  it('names a plugin that throws while loading', () => {
    expect(loadError(['./broken.js'])).toContain("Plugin './broken.js' could not be loaded");
    expect(loadError(['./broken.js'])).toContain('boom at import');
  });

  it('names a plugin that exports no plugin module', () => {
    expect(loadError(['./not-a-plugin.js'])).toBe(
      "Plugin './not-a-plugin.js' exports no Nest module decorated with @UserscopePlugin({ functions: [...] }).",
    );
  });

  it('names both plugins when a type is registered twice', () => {
    expect(loadError(['@userscope/examples', './duplicate.js'])).toBe(
      "Function type 'per_user_notepad' is registered twice: by NotepadFunction (PerUserWorkflowExampleModule) and by HelloFunction (DuplicatePlugin). Type names must be unique.",
    );
  });
});
