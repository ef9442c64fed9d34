import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeInChromium, ensureWebBuild, launchChromium, SCREENSHOTS, textOf } from './support/chromium';
import { startServer, TestServer } from './support/test-server';
import { BatchApi } from './support/batch-api';

// Browser globals, used only inside page.evaluate() callbacks (the test itself runs in Node).
declare const navigator: any;
declare const document: any;
declare const getComputedStyle: any;

/**
 * The multi-user execution page in a real headless Chromium (Debian's, driven by playwright-core)
 * against a real server: import users through the page, select three, run a workflow, follow it,
 * switch tabs, compare side by side, copy all, export CSV, reopen from history, the monitor, a narrow
 * screen. With UPDATE_SCREENSHOTS=1 it also saves docs/screenshots/*.png (`npm run screenshots`).
 */

const CONFIG = 'configs/agent-builder.yml';
const SAMPLE_USERS = 'configs/users.sample.csv';

jest.setTimeout(120_000);

describeInChromium('web page in Chromium', 'the browser tests of the web page are', () => {
  let server: TestServer;
  let api: BatchApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  /** The run of the three users, shared by the tests that follow it. */
  let runId = '';

  beforeAll(async () => {
    // `npm test` runs after `npm run build`; a bare `npx jest` builds the page here if it must.
    ensureWebBuild();
    server = await startServer(CONFIG, { ...process.env, BATCH_STORE: 'memory', USERSCOPE_ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
    work = mkdtempSync(join(tmpdir(), 'userscope-web-'));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    (page as unknown as { errors: string[] }).errors = errors;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  afterEach(() => {
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });

  it('is served at / with the API beside it', async () => {
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toMatch(/Userscope/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/nope`)).status).toBe(404);
    await page.getByText('No users yet. Import a CSV or add one to get started.').waitFor();
  });

  it('imports users from a CSV through the page, showing the rejected rows', async () => {
    const csv = `${readFileSync(SAMPLE_USERS, 'utf8').trimEnd()}\nbad id!,Broken Row,Intern,Ops,x@example.com,X,dry\n`;
    const file = join(work, 'team.csv');
    writeFileSync(file, csv);

    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import users' });
    await dialog.getByLabel('CSV or JSON file').setInputFiles(file);
    await expect(textOf(dialog.getByRole('region', { name: 'Preview' }))).resolves.toContain('7 rows');
    await dialog.getByRole('button', { name: 'Import 7 rows' }).click();
    await dialog.getByText('Imported 6 users, rejected 1 row').waitFor();
    const rejected = dialog.getByRole('table', { name: 'Rejected rows' });
    await expect(textOf(rejected)).resolves.toContain('bad id!,Broken Row,Intern');
    await expect(textOf(rejected)).resolves.toContain("'id' must match");
    await screenshot('import');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const table = page.getByRole('table', { name: 'Users' });
    await table.getByText('Frank Lee').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(6);
  });

  it('adds users by hand, shows the server\'s refusal at the field, edits a nested field and deletes the selection', async () => {
    const table = page.getByRole('table', { name: 'Users' });
    const addUser = async (name: string, id: string, platform: string) => {
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a user' });
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('Id').fill(id);
      await dialog.getByRole('button', { name: 'Add field' }).click();
      await dialog.getByLabel('Field 1 path').fill('preferences.platform');
      await dialog.getByLabel('Value of preferences.platform').fill(platform);
      await dialog.getByRole('button', { name: 'Add user' }).click();
      return dialog;
    };
    // The server refuses the id; its reason appears at the Id field and the draft stays.
    const dialog = await addUser('Gina Hart', 'gina hart!', 'Threads');
    await dialog.getByText(/^id must match/).waitFor();
    expect(await dialog.getByLabel('Id').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Id').fill('gina');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await table.getByText('Threads').waitFor();
    expect((await api.get('/api/users/gina')).json).toEqual({ id: 'gina', name: 'Gina Hart', preferences: { platform: 'Threads' } });

    await page.getByRole('button', { name: 'Edit Gina Hart' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Gina Hart' });
    await edit.getByLabel('Value of preferences.platform').fill('Bluesky');
    await screenshot('user-editor');
    await edit.getByRole('button', { name: 'Save' }).click();
    await table.getByText('Bluesky').waitFor();
    expect((await api.get('/api/users/gina')).json.preferences).toEqual({ platform: 'Bluesky' });

    await (await addUser('Hal Ito', 'hal', 'X')).waitFor({ state: 'detached' });
    for (const name of ['Gina Hart', 'Hal Ito']) await page.getByRole('checkbox', { name: `Select ${name}` }).click();
    await page.getByRole('button', { name: 'Delete selected (2)' }).click();
    await page.getByRole('alertdialog', { name: 'Delete 2 selected users?' }).getByRole('button', { name: 'Delete 2' }).click();
    await page.getByText('Deleted 2 users').waitFor();
    await page.getByText('None selected').waitFor();
    await table.getByText('Hal Ito').waitFor({ state: 'detached' });
    expect((await api.get('/api/users')).json.total).toBe(6);
  });

  it('selects three users, checks their fields and runs the LLM workflow for them', async () => {
    await page.getByRole('list', { name: 'Batch workflows' }).getByRole('button', { name: /Personalized Script Generator/ }).click();
    await page.getByRole('heading', { name: 'Personalized Script Generator' }).waitFor();
    // The prompt's user fields are highlighted.
    const prompt = page.getByRole('article', { name: 'Node 1: Script' });
    expect(await prompt.locator('mark[data-placeholder="user"]').allTextContents()).toContain('{{user:preferences.platform}}');
    // result_node is "1": the script is badged the final result, not the last node.
    await prompt.getByText('final result').waitFor();
    expect(await page.getByRole('article', { name: 'Node 2: Save the hook' }).getByText('final result').count()).toBe(0);

    for (const name of ['Alice Johnson', 'Bob Smith', 'Carol Davis']) await page.getByRole('checkbox', { name: `Select ${name}` }).click();
    await page.getByText('All 3 selected users have every field this workflow uses.').waitFor();

    await page.getByRole('button', { name: 'Execute for Selected Users (3)' }).click();
    // The run dialog offers the server's default concurrency and its maximum (agent-builder.yml: 10, 100).
    const options = page.getByRole('dialog', { name: 'Run Personalized Script Generator' });
    await options.getByText("Executions at once. Empty: the server's default, 10; at most 100.").waitFor();
    await options.getByLabel('Concurrency').fill('2');
    await options.getByRole('button', { name: 'Start run (3)' }).click();
    // The echo model answers at once; the results open by themselves when the run ends.
    const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
    await results.waitFor();
    // Under the modal, the run's card shows it done.
    const progress = page.getByRole('progressbar', { name: 'Run progress', includeHidden: true });
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    const chips = page.getByRole('list', { name: 'Status per user', includeHidden: true }).getByRole('listitem', { includeHidden: true });
    expect(await chips.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const history = (await api.get('/api/runs')).json;
    runId = history.items[0].id;
    expect(history.items[0]).toMatchObject({ workflowId: 'social-script', status: 'completed', concurrency: 2, progress: { total: 3, succeeded: 3 } });
    // The server names the LLM's type of each llm node's result: here the echo stand-in.
    const stored = (await api.get(`/api/runs/${runId}/results`)).json;
    expect(stored.users[0].nodes[0]).toMatchObject({ nodeId: '1', llmType: 'echo' });
  });

  it('shows a tab per user with name and tokens; arrow keys and clicks switch users', async () => {
    const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
    await results.getByText('Results for 3 users · Personalized Script Generator').waitFor();
    const tabs = results.getByRole('tab');
    const labels = await tabs.evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
    expect(labels).toHaveLength(3);
    expect(labels.map((label) => label!.replace(/ \(\d+ tokens\)$/, ''))).toEqual(['Alice Johnson', 'Bob Smith', 'Carol Davis']);
    expect(labels.every((label) => /\((?!0 )\d+ tokens\)$/.test(label!))).toBe(true);

    const panel = results.getByRole('tabpanel');
    const script = panel.getByRole('article', { name: 'Node 1' });
    // The echo stand-in is named as what it is, in the node card and above the nodes.
    await expect(textOf(script)).resolves.toMatch(/echo stand-in, not an LLM.*Structured/);
    await expect(textOf(panel.getByRole('note'))).resolves.toContain('answered by the echo stand-in, not an LLM');
    await expect(textOf(script)).resolves.toContain('Create a script for Alice Johnson, a Marketing Manager in Marketing, for LinkedIn');
    await panel.getByRole('region', { name: 'Final result for Alice Johnson' }).waitFor();
    await screenshot('results-tabs');

    await results.getByRole('tab', { name: /Alice Johnson/ }).focus();
    await page.keyboard.press('ArrowRight');
    await results.getByRole('tab', { name: /Bob Smith/, selected: true }).waitFor();
    await expect(textOf(results.getByRole('tabpanel'))).resolves.toContain('a Content Creator in Marketing, for YouTube in a casual tone');
    await results.getByRole('tab', { name: /Carol Davis/ }).click();
    await expect(textOf(results.getByRole('tabpanel'))).resolves.toContain('for Instagram in a playful tone');
    await results.getByRole('button', { name: "Copy Carol Davis' Result" }).waitFor();
  });

  it('compares users side by side', async () => {
    const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
    await results.getByRole('radio', { name: 'Compare' }).click();
    const comparison = results.getByRole('group', { name: 'Side-by-side comparison' });
    await comparison.getByRole('region', { name: 'Bob Smith', exact: true }).waitFor();
    // Carol was the tab shown last; while Alice and Bob are compared, no button names her.
    expect(await results.getByRole('button', { name: /Carol Davis' Result/ }).count()).toBe(0);
    await comparison.getByRole('region', { name: 'Bob Smith', exact: true }).getByRole('button', { name: "Copy Bob Smith's Result" }).waitFor();
    await results.getByRole('button', { name: 'Carol Davis', exact: true, pressed: false }).click();
    const columns = comparison.locator(':scope > section');
    expect(await columns.evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')))).toEqual(['Alice Johnson', 'Bob Smith', 'Carol Davis']);
    // Side by side: one row, left to right.
    const boxes = await Promise.all([0, 1, 2].map((index) => columns.nth(index).boundingBox()));
    expect(new Set(boxes.map((box) => Math.round(box!.y))).size).toBe(1);
    expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
    expect(boxes[1]!.x).toBeLessThan(boxes[2]!.x);
    await screenshot('results-compare');
    await results.getByRole('radio', { name: 'Tabs' }).click();
  });

  it('copies all results: exactly the export of the run', async () => {
    const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
    await results.getByRole('button', { name: 'Copy All Results (3)' }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Copied all 3 results' });
    await toast.waitFor();
    // The toast covers none of the footer's copy buttons.
    const toastBox = (await toast.boundingBox())!;
    for (const name of ['Copy All Results (3)', "Copy Carol Davis' Result"]) {
      const button = (await results.getByRole('button', { name }).boundingBox())!;
      const overlaps = toastBox.x < button.x + button.width && button.x < toastBox.x + toastBox.width && toastBox.y < button.y + button.height && button.y < toastBox.y + toastBox.height;
      expect({ name, overlaps }).toEqual({ name, overlaps: false });
    }
    // Dismissing the toast leaves the results open: a toast is not a click outside the dialog.
    await toast.getByRole('button', { name: 'Dismiss notification' }).click();
    await toast.waitFor({ state: 'detached' });
    expect(await results.isVisible()).toBe(true);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const exported = await api.get(`/api/runs/${runId}/export`);
    expect(copied).toBe(exported.text);
    expect(JSON.parse(copied).map((entry: { user: string }) => entry.user)).toEqual(['Alice Johnson', 'Bob Smith', 'Carol Davis']);
  });

  it('exports the CSV of the run as a download', async () => {
    const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
    const [download] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`run-${runId}.csv`);
    const saved = join(work, 'export.csv');
    await download.saveAs(saved);
    const csv = readFileSync(saved, 'utf8');
    expect(csv).toBe((await api.get(`/api/runs/${runId}/export?format=csv`)).text);
    expect(csv.startsWith('\uFEFFuser,user_id,status,tokens')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
  });

  it('closes with Escape and reopens the run from the history', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await screenshot('workspace');
    const history = page.getByRole('list', { name: 'Earlier runs' });
    await history.getByRole('button', { name: /Open the results of Personalized Script Generator/ }).first().click();
    const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
    await results.getByText('Results for 3 users · Personalized Script Generator').waitFor();
    await page.keyboard.press('Escape');
  });

  it('shows one user’s run without tabs and copies its result', async () => {
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await page.getByRole('list', { name: 'Batch workflows' }).getByRole('button', { name: /Welcome note/ }).click();
    await page.getByRole('checkbox', { name: 'Select Dan Wilson' }).click();
    await page.getByRole('button', { name: 'Execute for Selected Users (1)' }).click();
    await page.getByRole('dialog', { name: 'Run Welcome note' }).getByRole('button', { name: 'Start run (1)' }).click();
    const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
    await results.getByText('Result for Dan Wilson · Welcome note').waitFor();
    expect(await results.getByRole('tab').count()).toBe(0);
    await expect(textOf(results.getByRole('article', { name: 'Node greet' }))).resolves.toContain('Welcome Dan Wilson, our new Sales Director on LinkedIn!');
    await results.getByRole('button', { name: 'Copy Result' }).click();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied).toMatchObject({ success: true, message: 'Note added successfully' });
    await page.keyboard.press('Escape');
  });

  it('monitors the users the runs executed for', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Monitor' }).click();
    const sessions = page.getByRole('table', { name: /Sessions/ });
    for (const user of ['alice', 'bob', 'carol', 'dan']) await sessions.getByText(user, { exact: true }).waitFor();
    await expect(textOf(sessions.getByRole('row', { name: /^alice/ }))).resolves.toMatch(/ms/);
    await page.getByRole('img', { name: /Users and requests in flight/ }).waitFor();
    if (SCREENSHOTS) await page.waitForTimeout(7_000); // a few polls, so the charts have lines
    await screenshot('monitor');
    await page.getByRole('link', { name: 'Workspace' }).click();
  });

  it('follows a run live: a status chip per user and the progress bar move as the model answers', async () => {
    // The same config with its script node on an OpenAI-protocol model that answers only when let.
    const model = await GatedModel.start();
    const slow = await startServer(CONFIG, { ...process.env, BATCH_STORE: 'memory', USERSCOPE_ADMIN_TOKEN: '', SCRIPT_LLM: 'openai', LLM_BASE_URL: model.url, LLM_MODEL: 'gpt-4o', OPENAI_API_KEY: 'test' });
    try {
      await new BatchApi(slow.url).importCsv(readFileSync(SAMPLE_USERS, 'utf8'));
      await page.goto(slow.url);
      await page.getByRole('list', { name: 'Batch workflows' }).getByRole('button', { name: /Personalized Script Generator/ }).click();
      for (const name of ['Alice Johnson', 'Bob Smith', 'Carol Davis']) await page.getByRole('checkbox', { name: `Select ${name}` }).click();
      await page.getByRole('button', { name: 'Execute for Selected Users (3)' }).click();
      await page.getByRole('dialog', { name: 'Run Personalized Script Generator' }).getByRole('button', { name: 'Start run (3)' }).click();

      const chips = page.getByRole('list', { name: 'Status per user' }).getByRole('listitem');
      const statuses = () => chips.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
      const progress = page.getByRole('progressbar', { name: 'Run progress' });
      await model.waitFor(3);
      await waitUntil(async () => (await statuses()).join() === 'running,running,running');
      expect(await progress.getAttribute('aria-valuenow')).toBe('0');
      await page.getByRole('button', { name: 'Cancel run' }).waitFor();
      await screenshot('running');

      model.answer(1); // one user's script arrives
      await waitUntil(async () => (await statuses()).filter((status) => status === 'succeeded').length === 1);
      expect(await progress.getAttribute('aria-valuenow')).toBe('33');
      await expect(textOf(page.getByLabel('Runs'))).resolves.toContain('1 of 3 done · 2 running');

      model.answer(2);
      const results = page.getByRole('dialog', { name: 'Workflow Execution Results' });
      await results.getByRole('tablist', { name: 'Users' }).waitFor();
      const tabs = await results.getByRole('tab').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
      expect(tabs).toEqual(['Alice Johnson (150 tokens)', 'Bob Smith (150 tokens)', 'Carol Davis (150 tokens)']);
      const script = results.getByRole('tabpanel').getByRole('article', { name: 'Node 1' });
      await expect(textOf(script)).resolves.toMatch(/gpt-4o Structured 150t/);
      await expect(textOf(script)).resolves.toContain('"hook": "Hey Alice Johnson!');
      await page.keyboard.press('Escape');
    } finally {
      await slow.close();
      await model.close();
    }
  });

  it('works on a narrow screen: the users panel is a bar, its table a sheet', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(server.url);
    await page.getByText('User fields used:').waitFor();
    // Docked, the panel is one bar: no table hiding the workflow's fields.
    expect(await page.getByRole('table', { name: 'Users' }).count()).toBe(0);
    const bar = (await page.getByRole('region', { name: 'Users' }).boundingBox())!;
    expect(bar.height).toBeLessThan(844 / 5);
    expect(await page.getByText('User fields used:').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Open the users table' }).click();
    const sheet = page.getByRole('dialog', { name: /Users/ });
    await sheet.getByRole('checkbox', { name: 'Select Alice Johnson' }).click();
    await sheet.getByText('1 selected').waitFor();
    const sheetBox = (await sheet.boundingBox())!;
    expect(Math.round(sheetBox.y + sheetBox.height)).toBe(844); // anchored to the bottom edge
    expect(sheetBox.width).toBe(390);
    await screenshot('narrow-sheet');
    await sheet.getByRole('button', { name: 'Done' }).click();
    await sheet.waitFor({ state: 'detached' });

    const execute = page.getByRole('button', { name: 'Execute for Selected Users (1)' });
    await execute.waitFor();
    expect(await execute.isVisible()).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot('narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('follows the OS into dark mode, and the header toggle overrides it across reloads', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor as string);
    const dark = () => page.evaluate(() => document.documentElement.classList.contains('dark') as boolean);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(server.url);
    await page.getByText('User fields used:').waitFor();
    expect(await dark()).toBe(true);
    const darkBackground = await background();
    await screenshot('dark');

    await page.getByRole('button', { name: 'Switch to light mode' }).click();
    expect(await dark()).toBe(false);
    expect(await background()).not.toBe(darkBackground);
    await page.reload();
    await page.getByRole('button', { name: 'Switch to dark mode' }).waitFor();
    expect(await dark()).toBe(false); // the choice outlives the reload, the OS still dark

    // Back to following the system (Settings), for the tests after this one.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('radio', { name: 'Follow the system' }).click();
    expect(await dark()).toBe(true);
    await page.keyboard.press('Escape');
    // The OS turning light reaches the page as a media-query change event, after emulateMedia returns.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => !document.documentElement.classList.contains('dark'), undefined, { timeout: 5000 });
  });


  /** Saves the page as docs/screenshots/<name>.png, with UPDATE_SCREENSHOTS=1. */
  async function screenshot(name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Toasts of earlier steps would hide what the picture is of: wait for them to go (3.5 s at most).
    await page.waitForFunction(() => !document.querySelector('[aria-label="Notifications"] > *'), null, { timeout: 5_000 });
    await page.waitForTimeout(300); // let transitions settle
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }
});

/** Polls `check` until it holds (the page's state follows server events, which have no hook here). */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('waitUntil: the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * An OpenAI-protocol model on 127.0.0.1 that holds every chat completion until the test lets it
 * answer, so a run can be watched while it runs. Its answer is the script's JSON for the user the
 * prompt names, with 120 prompt + 30 completion tokens.
 */
class GatedModel {
  private readonly held: { body: any; response: ServerResponse }[] = [];
  private waiters: { count: number; resolve(): void }[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<GatedModel> {
    const server = createServer();
    const model = new GatedModel(server);
    server.on('request', async (request: IncomingMessage, response: ServerResponse) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      model.held.push({ body: JSON.parse(body || '{}'), response });
      model.waiters = model.waiters.filter((waiter) => (model.held.length >= waiter.count ? (waiter.resolve(), false) : true));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return model;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Settles once `count` requests are being held. */
  waitFor(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Answers the `count` oldest held requests. */
  answer(count: number): void {
    for (const { body, response } of this.held.splice(0, count)) {
      const prompt = String(body.messages?.at(-1)?.content ?? '');
      const name = /for (.+?), a /.exec(prompt)?.[1] ?? 'you';
      const script = { hook: `Hey ${name}!`, mainContent: prompt, callToAction: 'Follow for more', hashtags: ['#team'] };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-gated',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(script) }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
        }),
      );
    }
  }

  async close(): Promise<void> {
    this.answer(this.held.length);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
