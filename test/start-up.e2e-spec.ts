import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');

/** Packages only some configs need, which a server loads when its config first uses them (issue 18, server start). */
const ON_DEMAND = {
  openai: /[/\\]node_modules[/\\]openai[/\\]/,
  bullmq: /[/\\]node_modules[/\\]bullmq[/\\]/,
  'MCP SDK': /[/\\]node_modules[/\\]@modelcontextprotocol[/\\]sdk[/\\]/,
  jsonwebtoken: /[/\\]node_modules[/\\]jsonwebtoken[/\\]/,
};

/**
 * Starts the app for `configFile` in a fresh node process (the built packages, as `userscope serve`
 * loads them), lets it answer GET /health, and says which of the on-demand packages it loaded.
 */
async function packagesLoadedServing(configFile: string): Promise<string[]> {
  const script = `
    const { createUserscopeApp, loadApplication } = require('userscope');
    (async () => {
      const app = await createUserscopeApp(loadApplication(${JSON.stringify(configFile)}), { logger: false });
      await app.listen(0, '127.0.0.1');
      const health = await fetch('http://127.0.0.1:' + app.getHttpServer().address().port + '/health');
      if (health.status !== 200) throw new Error('GET /health answered ' + health.status);
      const files = Object.keys(require.cache);
      await app.close();
      process.stdout.write(JSON.stringify(files));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
  const files = JSON.parse(stdout) as string[];
  return Object.entries(ON_DEMAND)
    .filter(([, pattern]) => files.some((file) => pattern.test(file)))
    .map(([name]) => name);
}

describe('Server start', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'userscope-start-up-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves configs/config.yml without loading openai, bullmq, the MCP SDK or jsonwebtoken', async () => {
    expect(await packagesLoadedServing('configs/config.yml')).toEqual([]);
  });

  it('loads openai for a config with an openai LLM', async () => {
    const file = join(dir, 'openai.yml');
    writeFileSync(
      file,
      [
        'general: { plugins: ["@userscope/examples"] }',
        'llms:',
        '  main: { _type: openai, base_url: "http://127.0.0.1:9/v1", model_name: m, api_key: k }',
        'functions:',
        '  notepad: { _type: per_user_notepad }',
        '  preferences: { _type: per_user_preferences }',
        'workflow: { _type: per_user_assistant }',
        'batch_workflows:',
        '  - { id: script, name: Script, nodes: [{ id: "1", type: llm, llm: main, prompt: "Hello {{user:name}}" }] }',
        '',
      ].join('\n'),
    );
    expect(await packagesLoadedServing(file)).toEqual(['openai']);
  });
});
