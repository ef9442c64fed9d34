import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api';
import * as files from '@/lib/files';
import { ANALYTICS, run, runResults } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { ResultsDialog } from './results-dialog';

const EXPORT = JSON.stringify(runResults().users.filter((user) => user.final).map((user) => ({ user: user.userName, result: user.final })));

function serveRun(results = runResults()) {
  vi.spyOn(api, 'getRun').mockResolvedValue(run({ status: 'completed' }));
  vi.spyOn(api, 'runResults').mockResolvedValue(results);
  vi.spyOn(api, 'runAnalytics').mockResolvedValue(ANALYTICS);
  vi.spyOn(api, 'exportRunJson').mockResolvedValue(EXPORT);
}

async function openDialog() {
  const user = userEvent.setup(); // installs a clipboard the test can read
  renderWithProviders(<ResultsDialog runId="run1" onClose={() => {}} />);
  const dialog = await screen.findByRole('dialog', { name: 'Workflow Execution Results' });
  await within(dialog).findByRole('tablist', { name: 'Users' });
  return { user, dialog };
}

describe('ResultsDialog with several users', () => {
  it('has a tab per user with name and tokens, and shows the active user’s nodes and final result', async () => {
    serveRun();
    const { user, dialog } = await openDialog();
    expect(within(dialog).getByText('Results for 3 users · Personalized Script Generator')).toBeInTheDocument();
    const tabs = within(dialog).getAllByRole('tab').map((tab) => tab.getAttribute('aria-label'));
    expect(tabs).toEqual(['Alice Johnson (150 tokens)', 'Bob Smith (145 tokens)', 'Carol Davis (0 tokens)']);

    const panel = within(dialog).getByRole('tabpanel');
    const node = within(panel).getByRole('article', { name: 'Node 1' });
    expect(node).toHaveTextContent('gpt-4o');
    expect(node).toHaveTextContent('Structured');
    expect(node).toHaveTextContent('150t');
    expect(within(panel).getByRole('region', { name: 'Final result for Alice Johnson' })).toHaveTextContent('"hook": "Hey Alice!"');

    await user.click(within(dialog).getByRole('tab', { name: /Bob Smith/ }));
    expect(within(dialog).getByRole('region', { name: 'Final result for Bob Smith' })).toHaveTextContent('Yo Bob!');
    await user.click(within(dialog).getByRole('tab', { name: /Carol Davis/ }));
    expect(within(dialog).getByRole('tabpanel')).toHaveTextContent('The model timed out');
    expect(within(dialog).getByRole('button', { name: "Copy Carol Davis' Result" })).toBeDisabled();
  });

  it("copies the active user's final result, and all results exactly as the server exports them", async () => {
    serveRun();
    const { user, dialog } = await openDialog();
    await user.click(within(dialog).getByRole('tab', { name: /Bob Smith/ }));
    await user.click(within(dialog).getByRole('button', { name: "Copy Bob Smith's Result" }));
    expect(JSON.parse(await navigator.clipboard.readText())).toEqual(runResults().users[1].final);
    expect(await screen.findByText("Copied Bob Smith's result")).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Copy All Results (2)' }));
    expect(await screen.findByText('Copied all 2 results')).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe(EXPORT);
  });

  it('shows an analytics strip', async () => {
    serveRun();
    const { dialog } = await openDialog();
    const strip = within(dialog).getByLabelText('Run analytics');
    expect(strip).toHaveTextContent('Success rate66.7%2 ok · 1 failed');
    expect(strip).toHaveTextContent('Average tokens148295 in all');
    expect(strip).toHaveTextContent('Duration p50120 ms');
    expect(strip).toHaveTextContent('Duration p95140 ms');
  });

  it('filters users by what their results say, and by status', async () => {
    serveRun();
    const { user, dialog } = await openDialog();
    await user.type(within(dialog).getByRole('searchbox', { name: 'Search within results' }), 'yo bob');
    expect(within(dialog).getAllByRole('tab').map((tab) => tab.textContent)).toEqual([expect.stringContaining('Bob Smith')]);
    expect(within(dialog).getAllByText('Yo Bob', { selector: 'mark' }).length).toBeGreaterThan(0);

    await user.clear(within(dialog).getByRole('searchbox', { name: 'Search within results' }));
    await user.click(within(dialog).getByRole('radio', { name: 'Failed (1)' }));
    expect(within(dialog).getAllByRole('tab')).toHaveLength(1);
    expect(within(dialog).getByRole('tab')).toHaveTextContent('Carol Davis');
  });

  it('compares users side by side, two to four at a time', async () => {
    serveRun();
    const { user, dialog } = await openDialog();
    await user.click(within(dialog).getByRole('radio', { name: 'Compare' }));
    const comparison = within(dialog).getByRole('group', { name: 'Side-by-side comparison' });
    expect(within(comparison).getAllByRole('region').map((region) => region.getAttribute('aria-label'))).toEqual([
      'Alice Johnson',
      'Final result for Alice Johnson',
      'Bob Smith',
      'Final result for Bob Smith',
    ]);
    await user.click(within(dialog).getByRole('button', { name: 'Carol Davis', pressed: false }));
    expect(within(comparison).getByRole('region', { name: 'Carol Davis' })).toHaveTextContent('The model timed out');
    await user.click(within(dialog).getByRole('button', { name: 'Alice Johnson', pressed: true }));
    expect(within(comparison).queryByRole('region', { name: 'Alice Johnson' })).not.toBeInTheDocument();
  });

  it('names no user in the footer while comparing: each compared column copies its own result', async () => {
    serveRun();
    const { user, dialog } = await openDialog();
    await user.click(within(dialog).getByRole('tab', { name: /Carol Davis/ }));
    expect(within(dialog).getByRole('button', { name: "Copy Carol Davis' Result" })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('radio', { name: 'Compare' }));

    // Alice and Bob are compared; nothing may still name Carol, who was the tab before.
    expect(within(dialog).queryByRole('button', { name: /Carol Davis'/ })).not.toBeInTheDocument();
    const comparison = within(dialog).getByRole('group', { name: 'Side-by-side comparison' });
    const bob = within(comparison).getByRole('region', { name: 'Bob Smith' });
    await user.click(within(bob).getByRole('button', { name: "Copy Bob Smith's Result" }));
    expect(JSON.parse(await navigator.clipboard.readText())).toEqual(runResults().users[1].final);
    expect(await screen.findByText("Copied Bob Smith's result")).toBeInTheDocument();
    // Copy All stays: it names no one.
    expect(within(dialog).getByRole('button', { name: 'Copy All Results (2)' })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('radio', { name: 'Tabs' }));
    expect(within(dialog).getByRole('button', { name: "Copy Carol Davis' Result" })).toBeInTheDocument();
  });

  it('labels what the echo stand-in produced as the stand-in, not an LLM', async () => {
    const results = runResults();
    const echoed = (content: unknown) => ({ ...results.users[0].nodes[0], model: 'echo', llmType: 'echo', content });
    results.users[0].nodes = [echoed({ hook: 'Create a script for Alice Johnson' }), results.users[0].nodes[1]];
    serveRun(results);
    const { user, dialog } = await openDialog();
    const panel = within(dialog).getByRole('tabpanel');
    const node = within(panel).getByRole('article', { name: 'Node 1' });
    expect(node).toHaveTextContent('echo stand-in, not an LLM');
    expect(within(panel).getByRole('note')).toHaveTextContent('Node Script was answered by the echo stand-in, not an LLM: it repeats the prompt');
    // A model's answer (Bob's: llmType absent, as from an older server, or openai) carries no such label.
    await user.click(within(dialog).getByRole('tab', { name: /Bob Smith/ }));
    expect(within(dialog).getByRole('tabpanel')).not.toHaveTextContent('echo stand-in');
    expect(within(within(dialog).getByRole('tabpanel')).getByRole('article', { name: 'Node 1' })).toHaveTextContent('gpt-4o');
  });

  it("exports CSV from the server and downloads a user's result as a file", async () => {
    serveRun();
    const csv = new Blob(['\uFEFFuser,result.hook\r\n'], { type: 'text/csv' });
    const exportCsv = vi.spyOn(api, 'exportRunCsv').mockResolvedValue({ filename: 'run-run1.csv', blob: csv });
    const save = vi.spyOn(files, 'saveFile').mockImplementation(() => {});
    const { user, dialog } = await openDialog();
    await user.click(within(dialog).getByRole('button', { name: 'Export CSV' }));
    expect(exportCsv).toHaveBeenCalledWith('run1');
    expect(save).toHaveBeenCalledWith(csv, 'run-run1.csv');

    await user.click(within(dialog).getByRole('button', { name: "Download Alice Johnson's result" }));
    const [blob, name] = save.mock.calls[1];
    expect(name).toBe('alice-run1.json');
    expect(JSON.parse(await files.readFileText(blob as Blob))).toMatchObject({ user: 'Alice Johnson', result: { hook: 'Hey Alice!' } });
  });
});

describe('ResultsDialog with one user', () => {
  it('shows all nodes and the final result without tabs, and one Copy Result button', async () => {
    const results = runResults();
    results.users = [results.users[0]];
    serveRun(results);
    const user = userEvent.setup();
    renderWithProviders(<ResultsDialog runId="run1" onClose={() => {}} />);
    const dialog = await screen.findByRole('dialog', { name: 'Workflow Execution Results' });
    expect(await within(dialog).findByText('Result for Alice Johnson · Personalized Script Generator')).toBeInTheDocument();
    expect(within(dialog).queryByRole('tablist')).not.toBeInTheDocument();
    expect(within(dialog).getAllByRole('article').map((node) => node.getAttribute('aria-label'))).toEqual(['Node 1', 'Node 2']);
    expect(within(dialog).queryByRole('button', { name: /Copy All/ })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Copy Result' }));
    expect(JSON.parse(await navigator.clipboard.readText())).toMatchObject({ hook: 'Hey Alice!' });
  });
});
