import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { BatchApi } from './support/batch-api';
import { describeInChromium, ensureWebBuild, launchChromium, SCREENSHOTS, textOf } from './support/chromium';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { startServer, TestServer } from './support/test-server';

/**
 * The workflow editor in a real headless Chromium against a real server and a scripted
 * OpenAI-protocol model on 127.0.0.1: a new user builds a two-node workflow from scratch with the
 * completion, tests it on one user, saves it, runs it for three users and reads the results.
 * With UPDATE_SCREENSHOTS=1 it also saves docs/screenshots/editor*.png.
 * The flow is the one issue 17 names: a user added by hand, a run with concurrency 2, the prompt
 * edited and re-run, and the two runs' results for one user compared.
 */

const CONFIG = 'configs/agent-builder.yml';
const SAMPLE_USERS = 'configs/users.sample.csv';

jest.setTimeout(120_000);

describeInChromium('workflow editor in Chromium', 'the browser test of the workflow editor is', () => {
  let model: FakeOpenAiServer;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    model = await FakeOpenAiServer.start();
    // A script's hook names the user and platform the prompt was filled in with.
    model.fallback = (body) => {
      const prompt = String(body.messages.at(-1).content);
      return { content: JSON.stringify({ hook: `Hook! ${prompt}` }), usage: { prompt_tokens: 40, completion_tokens: 10 } };
    };
    server = await startServer(CONFIG, {
      ...process.env,
      BATCH_STORE: 'memory',
      USERSCOPE_ADMIN_TOKEN: '',
      LLM_BASE_URL: model.url,
      LLM_MODEL: 'scripted-model',
      OPENAI_API_KEY: 'test',
    });
    await new BatchApi(server.url).importCsv(readFileSync(SAMPLE_USERS, 'utf8'));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => errors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await model?.close();
  });

  afterEach(() => expect(errors).toEqual([]));

  it('builds a two-node workflow from scratch, tests it on one user, saves it, adds a user by hand, runs it with concurrency 2, edits the prompt, re-runs and compares the two runs', async () => {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const editor = page.getByRole('region', { name: 'New workflow' });
    await editor.getByRole('textbox', { name: 'Name', exact: true }).fill('Platform hooks');
    await editor.getByRole('textbox', { name: 'Id', exact: true }).fill('platform-hooks');

    // Node 1: an llm prompt built with the completion of the directory's fields, nested ones too.
    const first = editor.getByRole('article', { name: /^Node 1/ });
    await first.getByRole('combobox', { name: 'LLM' }).selectOption('openai');
    const prompt = first.getByRole('combobox', { name: 'Prompt' });
    await prompt.pressSequentially('Hook for {{user:na');
    await page.getByRole('listbox', { name: 'User fields' }).getByRole('option', { name: 'name' }).waitFor();
    await prompt.press('Enter');
    await prompt.pressSequentially(' on {{user:preferences.pl');
    await page.getByRole('option', { name: 'preferences.platform' }).waitFor();
    await screenshot('editor-completion', first);
    await prompt.press('Enter');
    await expect(prompt.inputValue()).resolves.toBe('Hook for {{user:name}} on {{user:preferences.platform}}');
    // A field nobody has is marked as it is typed, and goes when it is removed.
    await prompt.pressSequentially(' {{user:shoe_size}}');
    await first.getByRole('list', { name: 'Unknown fields in Prompt' }).getByText('no user in the directory has the field “shoe_size”').waitFor();
    for (let i = 0; i < ' {{user:shoe_size}}'.length; i++) await prompt.press('Backspace');
    await first.getByRole('list', { name: 'Unknown fields in Prompt' }).waitFor({ state: 'detached' });

    // Its structured output: one field, `hook`.
    await first.getByRole('checkbox', { name: 'Structured output' }).click();
    await first.getByRole('textbox', { name: 'Field 1 name' }).fill('hook');

    // Node 2: the notepad saving node 1's hook, completed from node 1's output schema.
    await editor.getByRole('button', { name: 'Add function node' }).click();
    const second = editor.getByRole('article', { name: /^Node 2/ });
    await second.getByRole('combobox', { name: 'Function' }).selectOption('notepad');
    await second.getByRole('combobox', { name: /^action/ }).fill('add');
    const content = second.getByRole('combobox', { name: /^content/ });
    await content.pressSequentially('{{node:1.h');
    await page.getByRole('listbox', { name: 'Earlier nodes' }).getByRole('option', { name: /1\.hook/ }).waitFor();
    await content.press('Enter');
    await expect(content.inputValue()).resolves.toBe('{{node:1.hook}}');
    await screenshot('editor', editor);

    // Test on one user: the filled-in prompt, the output, tokens; nothing saved.
    const test = editor.getByRole('region', { name: 'Test on one user' });
    await test.getByRole('combobox', { name: 'User' }).selectOption('alice');
    await test.getByRole('button', { name: 'Run test' }).click();
    const result = test.getByRole('region', { name: 'Test result for Alice Johnson' });
    const script = result.getByRole('article', { name: 'Tested node 1' });
    await expect(textOf(script)).resolves.toContain('Hook for Alice Johnson on LinkedIn');
    await expect(textOf(script)).resolves.toContain('"hook": "Hook! Hook for Alice Johnson on LinkedIn"');
    await expect(textOf(script)).resolves.toContain('50 tokens');
    await expect(textOf(result.getByRole('article', { name: 'Tested node 2' }))).resolves.toContain('"content": "Hook! Hook for Alice Johnson on LinkedIn"');
    await screenshot('editor-test', test);
    expect((await new BatchApi(server.url).get('/api/workflows/platform-hooks')).status).toBe(404);

    // Save, then run it for three users.
    await editor.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Platform hooks' }).waitFor();
    const saved = (await new BatchApi(server.url).get('/api/workflows/platform-hooks')).json;
    expect(saved).toMatchObject({
      source: 'api',
      fields: ['name', 'preferences.platform'],
      nodes: [
        { id: '1', type: 'llm', llm: 'openai', prompt: 'Hook for {{user:name}} on {{user:preferences.platform}}', output_schema: { type: 'object', properties: { hook: { type: 'string' } }, required: ['hook'] } },
        { id: '2', type: 'function', function: 'notepad', input: { action: 'add', content: '{{node:1.hook}}' } },
      ],
    });
    // A user added by hand, then three selected: two from the directory and the new one.
    await page.getByRole('button', { name: 'Add user' }).click();
    const addUser = page.getByRole('dialog', { name: 'Add a user' });
    await addUser.getByLabel('Name').fill('Zoe Park');
    await addUser.getByLabel('Id').fill('zoe');
    await addUser.getByRole('button', { name: 'Add field' }).click();
    await addUser.getByLabel('Field 1 path').fill('preferences.platform');
    await addUser.getByLabel('Value of preferences.platform').fill('Threads');
    await addUser.getByRole('button', { name: 'Add user' }).click();
    await addUser.waitFor({ state: 'detached' });
    const users: [string, string][] = [
      ['Alice Johnson', 'LinkedIn'],
      ['Bob Smith', 'YouTube'],
      ['Zoe Park', 'Threads'],
    ];
    for (const [name] of users) await page.getByRole('checkbox', { name: `Select ${name}` }).click();

    // Run with concurrency 2; each user's tab shows their own hook.
    const runOnce = async () => {
      await page.getByRole('button', { name: 'Execute for Selected Users (3)' }).click();
      const options = page.getByRole('dialog', { name: 'Run Platform hooks' });
      await options.getByLabel('Concurrency').fill('2');
      await options.getByRole('button', { name: 'Start run (3)' }).click();
      const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
      await results.getByRole('tablist', { name: 'Users' }).waitFor();
      return results;
    };
    const readTabs = async (results: Locator, prefix: string) => {
      for (const [name, platform] of users) {
        await results.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
        await expect(textOf(results.getByRole('tabpanel'))).resolves.toContain(`Hook! ${prefix} for ${name} on ${platform}`);
      }
    };
    await readTabs(await runOnce(), 'Hook');
    await page.keyboard.press('Escape');
    const api = new BatchApi(server.url);
    const [firstRun] = (await api.get('/api/runs')).json.items;
    expect(firstRun).toMatchObject({ workflowId: 'platform-hooks', status: 'completed', concurrency: 2, progress: { total: 3, succeeded: 3 } });

    // Edit the prompt, save, run again: the new run has the new prompt's results, the earlier one keeps its own.
    await page.getByRole('button', { name: 'Edit workflow' }).click();
    const edit = page.getByRole('region', { name: 'Edit “Platform hooks”' });
    const editedPrompt = edit.getByRole('article', { name: /^Node 1/ }).getByRole('combobox', { name: 'Prompt' });
    await editedPrompt.fill('Short hook for {{user:name}} on {{user:preferences.platform}}');
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    await edit.waitFor({ state: 'detached' });
    expect((await api.get('/api/workflows/platform-hooks')).json.nodes[0].prompt).toBe('Short hook for {{user:name}} on {{user:preferences.platform}}');
    await readTabs(await runOnce(), 'Short hook');
    await page.keyboard.press('Escape');

    // One user's result in the two runs, side by side through the API the page reads.
    const [secondRun] = (await api.get('/api/runs')).json.items;
    expect(secondRun.id).not.toBe(firstRun.id);
    const resultOf = async (runId: string) => JSON.stringify((await api.get(`/api/runs/${runId}/results`)).json.users.find((user: { userId: string }) => user.userId === 'alice'));
    await expect(resultOf(firstRun.id)).resolves.toContain('Hook! Hook for Alice Johnson on LinkedIn');
    await expect(resultOf(secondRun.id)).resolves.toContain('Hook! Short hook for Alice Johnson on LinkedIn');
    // And in the page: the earlier run reopens from the history with its own results.
    await page.getByRole('list', { name: 'Earlier runs' }).getByRole('button', { name: /Open the results of Platform hooks/ }).last().click();
    await readTabs(page.getByRole('dialog', { name: 'Workflow Execution Results' }), 'Hook');
    await page.keyboard.press('Escape');
  });

  it('opens a config-defined workflow read-only, duplicates it to edit, renames, saves and deletes the copy', async () => {
    const api = new BatchApi(server.url);
    await page.goto(server.url);
    await page.getByRole('list', { name: 'Batch workflows' }).getByRole('button', { name: /Personalized Script Generator/ }).click();
    await page.getByRole('button', { name: 'Open in editor (read-only)' }).click();
    const readOnly = page.getByRole('region', { name: 'Workflow (read-only)' });
    await readOnly.getByText('Defined in the config file').waitFor();
    expect(await readOnly.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    await readOnly.getByRole('button', { name: 'Duplicate to edit' }).click();

    const copy = page.getByRole('region', { name: 'New workflow' });
    const name = copy.getByRole('textbox', { name: 'Name', exact: true });
    await expect(name.inputValue()).resolves.toBe('Personalized Script Generator (copy)');
    await expect(copy.getByRole('textbox', { name: 'Id', exact: true }).inputValue()).resolves.toBe('social-script-copy');
    await name.fill('My scripts');
    await copy.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'My scripts' }).waitFor();
    const saved = (await api.get('/api/workflows/social-script-copy')).json;
    expect(saved).toMatchObject({ name: 'My scripts', source: 'api', result_node: '1' });
    expect(saved.nodes).toEqual((await api.get('/api/workflows/social-script')).json.nodes);

    await page.getByRole('button', { name: 'Edit workflow' }).click();
    const edit = page.getByRole('region', { name: 'Edit “My scripts”' });
    await edit.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete “My scripts”?' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('list', { name: 'Batch workflows' }).getByRole('button', { name: /My scripts/ }).waitFor({ state: 'detached' });
    expect((await api.get('/api/workflows/social-script-copy')).status).toBe(404);
  });


  /** Saves `of` (the editor scrolls inside the page) as docs/screenshots/<name>.png, with UPDATE_SCREENSHOTS=1. */
  async function screenshot(name: string, of: Locator): Promise<void> {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Tall enough for the whole editor: an element inside a scrolled panel is captured only where it shows.
    await page.setViewportSize({ width: 1280, height: 2600 });
    await of.scrollIntoViewIfNeeded();
    await of.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});
