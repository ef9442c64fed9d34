import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError, type Workflow } from '@/lib/api';
import { SOCIAL_SCRIPT, USERS } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { catalogResource, TWO_NODES } from './editor-fixtures';
import { WorkflowEditor, type WorkflowEditorProps } from './workflow-editor';
import type { Draft } from './workflow-draft';

function renderEditor(props: Partial<WorkflowEditorProps> = {}) {
  const handlers = { onClose: vi.fn(), onSaved: vi.fn(), onDeleted: vi.fn(), onDuplicate: vi.fn() };
  vi.spyOn(api, 'listUsers').mockResolvedValue({ items: USERS, total: USERS.length });
  const view = renderWithProviders(<WorkflowEditor initial={TWO_NODES} catalog={catalogResource()} {...handlers} {...props} />);
  return { ...view, ...handlers };
}

const node = (position: number) => screen.getAllByRole('article').filter((article) => article.getAttribute('aria-label')?.startsWith('Node '))[position - 1];

describe('WorkflowEditor: template completion', () => {
  // Typing key by key re-renders the whole editor each time: slow on a loaded machine, so a longer timeout.
  it('keeps the cursor where keys typed right after a completion put it', async () => {
    const user = userEvent.setup({ delay: null });
    renderEditor();
    const prompt = within(node(1)).getByRole('combobox', { name: 'Prompt' });
    await user.type(prompt, 'Hi {{{{user:pre');
    await user.keyboard('{ArrowDown}{Enter} for'); // typed at once, as a fast typist does
    await new Promise((resolve) => setTimeout(resolve, 50)); // frames pass: nothing moves the cursor back
    await user.keyboard('!');
    expect(prompt).toHaveValue('Hi {{user:preferences.tone}} for!');
  });

  it("completes {{user: from the directory's fields, nested ones too, and marks unknown fields as you type", { timeout: 20_000 }, async () => {
    const user = userEvent.setup({ delay: null });
    renderEditor();
    const prompt = within(node(1)).getByRole('combobox', { name: 'Prompt' });
    // user-event types `{{` as one literal `{`.
    await user.type(prompt, 'Hi {{{{user:pre');
    const list = screen.getByRole('listbox', { name: 'User fields' });
    expect(within(list).getAllByRole('option').map((option) => option.textContent)).toEqual(['preferences.platform', 'preferences.tone']);
    expect(prompt).toHaveAttribute('aria-expanded', 'true');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(prompt).toHaveValue('Hi {{user:preferences.tone}}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();

    await user.type(prompt, ' for {{{{user:agee}}');
    const unknown = within(node(1)).getByRole('list', { name: 'Unknown fields in Prompt' });
    expect(unknown).toHaveTextContent('{{user:agee}}: no user in the directory has the field “agee”');
    await user.type(prompt, '{Backspace>6/}role}}');
    expect(prompt).toHaveValue('Hi {{user:preferences.tone}} for {{user:role}}');
    expect(within(node(1)).queryByRole('list', { name: 'Unknown fields in Prompt' })).not.toBeInTheDocument();
  });

  it("completes {{node: with the earlier nodes and their output schema's fields, in a function's input form", { timeout: 20_000 }, async () => {
    const user = userEvent.setup({ delay: null });
    renderEditor();
    const content = within(node(2)).getByRole('combobox', { name: 'content · string' });
    await user.type(content, '{{{{node:');
    const list = screen.getByRole('listbox', { name: 'Earlier nodes' });
    expect(within(list).getAllByRole('option').map((option) => option.querySelector('span')?.textContent)).toEqual(['1', '1.hook']);
    await user.keyboard('{ArrowDown}{Tab}');
    expect(content).toHaveValue('{{node:1.hook}}');
    // The first node sees no earlier node.
    await user.type(within(node(1)).getByRole('combobox', { name: 'Prompt' }), '{{{{node:');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });
});

describe('WorkflowEditor: the server validation', () => {
  it("shows each of a 400's messages at the node and field it names, and counts them", async () => {
    const create = vi.spyOn(api, 'createWorkflow').mockRejectedValue(
      new ApiError(400, 'bad_request', 'Invalid batch workflow.', [
        { field: 'name', errors: ['name must be longer than or equal to 1 characters'] },
        { field: 'nodes[0].llm', errors: ["no LLM named 'gone' in llms: (configured: model, echo)"] },
        { field: 'nodes[1].input.content', errors: ['{{node:9}} does not name an earlier node'] },
      ]),
    );
    const user = userEvent.setup();
    renderEditor();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(create).toHaveBeenCalledWith(expect.objectContaining({ id: 'hooks', nodes: expect.any(Array) }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The server found 3 problems');
    expect(screen.getByText('name must be longer than or equal to 1 characters')).toBeInTheDocument();
    // At the node, beside its field.
    expect(within(node(1)).getByText("no LLM named 'gone' in llms: (configured: model, echo)")).toBeInTheDocument();
    expect(within(node(1)).getByText('1 problem')).toBeInTheDocument();
    expect(within(node(1)).getByRole('combobox', { name: 'LLM' })).toHaveAttribute('aria-invalid', 'true');
    const content = within(node(2)).getByRole('combobox', { name: 'content · string' });
    expect(content).toHaveAttribute('aria-invalid', 'true');
    expect(content).toHaveAccessibleDescription('{{node:9}} does not name an earlier node');
    expect(within(node(1)).queryByText('{{node:9}} does not name an earlier node')).not.toBeInTheDocument();
  });

  it('saves a new workflow with POST, an API one with PUT, the body as the DTO takes it', async () => {
    const saved = { ...TWO_NODES, source: 'api', fields: [] } as Workflow;
    const create = vi.spyOn(api, 'createWorkflow').mockResolvedValue(saved);
    const replace = vi.spyOn(api, 'replaceWorkflow').mockResolvedValue(saved);
    const user = userEvent.setup();
    const first = renderEditor();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(create).toHaveBeenCalledWith({
      id: 'hooks',
      name: 'Hooks',
      on_missing: 'error',
      nodes: [
        { id: '1', type: 'llm', name: 'Script', llm: 'model', prompt: '', output_schema: TWO_NODES.nodes[0].output_schema },
        { id: '2', type: 'function', name: 'Save', function: 'notepad', input: { action: 'add', content: '' } },
      ],
    });
    expect(first.onSaved).toHaveBeenCalledWith(saved);
    first.unmount();

    const second = renderEditor({ original: saved, initial: TWO_NODES });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Final result (result_node)' }), '1. Script');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(replace).toHaveBeenCalledWith('hooks', expect.objectContaining({ result_node: '1' }));
    expect(second.onSaved).toHaveBeenCalled();
  });
});

describe('WorkflowEditor: reordering', () => {
  const three: Draft = { ...TWO_NODES, nodes: [...TWO_NODES.nodes, { id: '3', type: 'template', name: 'Note', template: 'x' }] };
  const names = () => screen.getAllByRole('article').map((article) => article.getAttribute('aria-label'));

  it('moves a node with the arrow keys on its handle, keeps the focus on it, and says where it went', async () => {
    const user = userEvent.setup();
    renderEditor({ initial: three });
    expect(names()).toEqual(['Node 1: Script', 'Node 2: Save', 'Node 3: Note']);
    screen.getByRole('button', { name: 'Move Script, position 1 of 3' }).focus();
    await user.keyboard('{ArrowDown}');
    expect(names()).toEqual(['Node 1: Save', 'Node 2: Script', 'Node 3: Note']);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Move Script, position 2 of 3' })).toHaveFocus());
    expect(screen.getByText('Moved Script to position 2 of 3.')).toBeInTheDocument();
    await user.keyboard('{End}');
    expect(names()).toEqual(['Node 1: Save', 'Node 2: Note', 'Node 3: Script']);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Move Script, position 3 of 3' })).toHaveFocus());
    // Already last: nothing moves.
    await user.keyboard('{ArrowDown}');
    expect(names()).toEqual(['Node 1: Save', 'Node 2: Note', 'Node 3: Script']);
    await user.keyboard('{Home}');
    expect(names()).toEqual(['Node 1: Script', 'Node 2: Save', 'Node 3: Note']);
  });

  it("keeps each node's own editor state with it when it moves", async () => {
    const user = userEvent.setup();
    renderEditor({ initial: three });
    await user.click(within(node(1)).getByRole('tab', { name: 'JSON Schema' }));
    screen.getByRole('button', { name: 'Move Script, position 1 of 3' }).focus();
    await user.keyboard('{ArrowDown}');
    expect(within(node(2)).getByRole('tab', { name: 'JSON Schema' })).toHaveAttribute('aria-selected', 'true');
    expect(within(node(2)).getByRole('textbox', { name: 'JSON Schema' })).toHaveValue(JSON.stringify(TWO_NODES.nodes[0].output_schema, null, 2));
  });

  it('moves a node by drag and drop onto another', async () => {
    renderEditor({ initial: three });
    const handle = screen.getByRole('button', { name: 'Move Note, position 3 of 3' });
    const { fireEvent } = await import('@testing-library/react');
    const dataTransfer = { setData: vi.fn(), effectAllowed: '' };
    fireEvent.dragStart(handle, { dataTransfer });
    fireEvent.dragOver(node(1).closest('li')!, { dataTransfer });
    fireEvent.drop(node(1).closest('li')!, { dataTransfer });
    expect(names()).toEqual(['Node 1: Note', 'Node 2: Script', 'Node 3: Save']);
  });
});

describe('WorkflowEditor: unsaved changes', () => {
  it('keeps them in this browser, restores them, and asks before leaving', async () => {
    const user = userEvent.setup();
    const first = renderEditor();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), ' v2');
    expect(screen.getByText('Unsaved changes (kept in this browser)')).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem('userscope.editor.draft')!).draft.name).toBe('Hooks v2');
    await user.click(screen.getByRole('button', { name: 'Close' }));
    const dialog = screen.getByRole('dialog', { name: 'Leave with unsaved changes?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep draft and close' }));
    expect(first.onClose).toHaveBeenCalled();
    first.unmount();

    renderEditor();
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('Hooks v2');
    expect(screen.getByText(/Restored your unsaved changes/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Discard them' }));
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('Hooks');
    expect(localStorage.getItem('userscope.editor.draft')).toBeNull();
  });

  it('warns before the page is left while changes are unsaved', async () => {
    const user = userEvent.setup();
    renderEditor();
    const clean = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    await user.type(screen.getByRole('textbox', { name: 'Name' }), '!');
    const dirty = new Event('beforeunload', { cancelable: true });
    act(() => void window.dispatchEvent(dirty));
    expect(dirty.defaultPrevented).toBe(true);
  });
});

describe('WorkflowEditor: the catalog', () => {
  it('says when the LLMs, functions and user fields could not be loaded, and offers to try again', async () => {
    const reload = vi.fn();
    const user = userEvent.setup();
    renderEditor({ catalog: { data: undefined, error: new ApiError(503, 'store_unavailable', 'The batch store (memory) is not answering'), loading: false, reload } });
    expect(screen.getByText('Could not load the LLMs, functions and user fields (GET /api/catalog)')).toBeInTheDocument();
    expect(screen.getByText('The batch store (memory) is not answering')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(reload).toHaveBeenCalled();
  });
});

describe('WorkflowEditor: a config-defined workflow', () => {
  it('opens read-only, with Duplicate to edit', async () => {
    const user = userEvent.setup();
    const { onDuplicate } = renderEditor({ original: SOCIAL_SCRIPT, initial: { ...SOCIAL_SCRIPT } });
    expect(screen.getByText('Defined in the config file')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
    expect(within(node(1)).getByRole('combobox', { name: 'Prompt' })).toHaveAttribute('readonly');
    expect(screen.queryByRole('button', { name: /^Move / })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Duplicate to edit' }));
    expect(onDuplicate).toHaveBeenCalledWith(expect.objectContaining({ id: 'social-script', nodes: SOCIAL_SCRIPT.nodes }));
  });
});

describe('WorkflowEditor: test on one user', () => {
  it("runs the draft for the chosen user and shows each node's filled-in prompt or input, output, tokens and duration", async () => {
    const test = vi.spyOn(api, 'testWorkflow').mockResolvedValue({
      userId: 'bob',
      userName: 'Bob Smith',
      status: 'succeeded',
      final: { hook: 'Bob on YouTube' },
      tokens: 42,
      durationMs: 130,
      nodes: [
        { nodeId: '1', type: 'llm', name: 'Script', status: 'succeeded', input: { prompt: 'Hook for Bob Smith' }, content: { hook: 'Bob on YouTube' }, structured: true, model: 'gpt-4o-mini', tokens: 42, durationMs: 120 },
        { nodeId: '2', type: 'function', name: 'Save', status: 'succeeded', input: { function: 'notepad', input: { action: 'add', content: 'Bob on YouTube' } }, content: { success: true }, tokens: 0, durationMs: 3 },
      ],
    });
    const user = userEvent.setup();
    renderEditor();
    await screen.findByRole('option', { name: 'Bob Smith (bob)' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'User' }), 'Bob Smith (bob)');
    await user.click(screen.getByRole('button', { name: 'Run test' }));
    expect(test).toHaveBeenCalledWith({ workflow: expect.objectContaining({ id: 'hooks' }), userId: 'bob' });
    const result = await screen.findByRole('region', { name: 'Test result for Bob Smith' });
    expect(result).toHaveTextContent('Bob Smith · 42 tokens · 130 ms');
    const script = within(result).getByRole('article', { name: 'Tested node 1: Script' });
    expect(script).toHaveTextContent('Prompt sent');
    expect(script).toHaveTextContent('Hook for Bob Smith');
    expect(script).toHaveTextContent('120 ms');
    expect(script).toHaveTextContent('"hook": "Bob on YouTube"');
    expect(within(result).getByRole('article', { name: 'Tested node 2: Save' })).toHaveTextContent('Input sent to notepad');
  });

  it("shows a draft the server refuses at its fields, and labels the echo stand-in's answers", async () => {
    vi.spyOn(api, 'testWorkflow')
      .mockRejectedValueOnce(new ApiError(400, 'bad_request', 'Invalid batch workflow.', [{ field: 'nodes[0].prompt', errors: ['is required for a llm node'] }]))
      .mockResolvedValueOnce({
        userId: 'alice',
        userName: 'Alice Johnson',
        status: 'succeeded',
        tokens: 0,
        durationMs: 5,
        nodes: [{ nodeId: '1', type: 'llm', status: 'succeeded', input: { prompt: 'Hi' }, content: 'Hi', structured: false, model: 'echo', tokens: 0, durationMs: 1 }],
      });
    const user = userEvent.setup();
    renderEditor();
    await screen.findByRole('option', { name: 'Alice Johnson (alice)' });
    await user.click(screen.getByRole('button', { name: 'Run test' }));
    expect(await within(node(1)).findByText('is required for a llm node')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Run test' }));
    const result = await screen.findByRole('region', { name: 'Test result for Alice Johnson' });
    expect(within(result).getByText('echo stand-in, not an LLM')).toBeInTheDocument();
    expect(within(node(1)).queryByText('is required for a llm node')).not.toBeInTheDocument();
  });
});
