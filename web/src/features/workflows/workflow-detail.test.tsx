import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SOCIAL_SCRIPT, WELCOME_NOTE } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { templateParts } from './template-text';
import { WorkflowDetail } from './workflow-detail';

describe('templateParts', () => {
  it('splits a template into text, user fields and node references', () => {
    expect(templateParts('Hi {{user:name}}, see {{ node:1.hook }}!')).toEqual([
      { text: 'Hi ' },
      { text: '{{user:name}}', kind: 'user', ref: 'name' },
      { text: ', see ' },
      { text: '{{ node:1.hook }}', kind: 'node', ref: '1.hook' },
      { text: '!' },
    ]);
  });
});

describe('WorkflowDetail', () => {
  it("shows each node with its prompt's {{user:…}} fields highlighted", () => {
    renderWithProviders(<WorkflowDetail workflow={SOCIAL_SCRIPT} preflight={{ loading: false }} selected={0} />);
    const script = screen.getByRole('article', { name: 'Node 1: Script' });
    const fields = within(script)
      .getAllByText((_, element) => element?.getAttribute('data-placeholder') === 'user')
      .map((mark) => mark.textContent);
    expect(fields).toEqual(['{{user:name}}', '{{user:role}}', '{{user:department}}', '{{user:preferences.platform}}', '{{user:preferences.tone}}']);
    expect(within(script).getByText('model: echo')).toBeInTheDocument();
    const save = screen.getByRole('article', { name: 'Node 2: Save the hook' });
    expect(within(save).getByText('{{node:1.hook}}')).toHaveAttribute('data-placeholder', 'node');
    // social-script's result_node is "1": the script, not the last node, is the final result.
    expect(within(script).getByText('final result')).toBeInTheDocument();
    expect(within(save).queryByText('final result')).not.toBeInTheDocument();
    expect(screen.getByText('Select users in the table below', { exact: false })).toBeInTheDocument();
  });

  it('badges the last node as the final result when the workflow names no result_node', () => {
    const { result_node: _resultNode, ...lastIsFinal } = SOCIAL_SCRIPT;
    renderWithProviders(<WorkflowDetail workflow={lastIsFinal} preflight={{ loading: false }} selected={0} />);
    expect(within(screen.getByRole('article', { name: 'Node 1: Script' })).queryByText('final result')).not.toBeInTheDocument();
    expect(within(screen.getByRole('article', { name: 'Node 2: Save the hook' })).getByText('final result')).toBeInTheDocument();
  });

  it('warns before running that selected users lack fields, and that the run will refuse', () => {
    renderWithProviders(
      <WorkflowDetail
        workflow={SOCIAL_SCRIPT}
        selected={3}
        preflight={{
          loading: false,
          preflight: { fields: SOCIAL_SCRIPT.fields, ok: false, missing: [{ userId: 'carol', userName: 'Carol Davis', fields: ['preferences.tone'] }] },
        }}
      />,
    );
    const notice = screen.getByRole('status', { name: 'Preflight' });
    expect(notice).toHaveTextContent('1 of 3 selected users lack fields this workflow uses');
    expect(notice).toHaveTextContent('will not start');
    expect(within(notice).getByRole('list', { name: 'Users with missing fields' })).toHaveTextContent('Carol Davis lacks preferences.tone');
    // The placeholder of the missing field is marked in the prompt too.
    expect(screen.getByTitle('User field “preferences.tone” — missing for some selected users')).toBeInTheDocument();
  });

  it('says what a default policy will insert, and confirms a complete selection', () => {
    const { rerender } = renderWithProviders(
      <WorkflowDetail
        workflow={WELCOME_NOTE}
        selected={2}
        preflight={{ loading: false, preflight: { fields: ['name', 'role'], ok: false, missing: [{ userId: 'z', userName: 'Zed', fields: ['role'] }] } }}
      />,
    );
    expect(screen.getByRole('status', { name: 'Preflight' })).toHaveTextContent('Their placeholders will read “team member”.');
    rerender(<WorkflowDetail workflow={WELCOME_NOTE} selected={2} preflight={{ loading: false, preflight: { fields: ['name', 'role'], ok: true, missing: [] } }} />);
    expect(screen.getByRole('status', { name: 'Preflight' })).toHaveTextContent('All 2 selected users have every field this workflow uses.');
  });
});
