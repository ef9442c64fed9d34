import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { api, type UserQuery } from '@/lib/api';
import { USERS } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { UsersPanel } from './users-panel';
import type { UserSelection } from './user-selection';

/** The directory's answer to a query, as the server would give it (search, sort, paging). */
function serveUsers(users = USERS) {
  return vi.spyOn(api, 'listUsers').mockImplementation(async (query: UserQuery = {}) => {
    const needle = query.search?.toLowerCase();
    const found = users.filter((user) => !needle || JSON.stringify(user).toLowerCase().includes(needle));
    const sorted = [...found].sort((a, b) => String(a[query.sort ?? 'name'] ?? '').localeCompare(String(b[query.sort ?? 'name'] ?? '')));
    if (query.order === 'desc') sorted.reverse();
    const offset = query.offset ?? 0;
    return { items: sorted.slice(offset, offset + (query.limit ?? 50)), total: found.length };
  });
}

function Harness({ onSelection }: { onSelection?(selection: UserSelection): void }) {
  const [selection, setSelection] = useState<UserSelection>(new Map());
  return (
    <UsersPanel
      selection={selection}
      onSelectionChange={(next) => {
        setSelection(next);
        onSelection?.(next);
      }}
      missingFields={new Map([['carol', ['preferences.tone']]])}
      actions={<button type="button">Execute for Selected Users ({selection.size})</button>}
    />
  );
}

describe('UsersPanel', () => {
  it('lists users with their fields, nested ones as dotted columns', async () => {
    serveUsers();
    renderWithProviders(<Harness />);
    const table = await screen.findByRole('table', { name: 'Users' });
    expect(await within(table).findByText('Alice Johnson')).toBeInTheDocument();
    expect(within(table).getByRole('button', { name: /Sort by preferences\.platform/ })).toBeInTheDocument();
    expect(within(table).getByText('LinkedIn')).toBeInTheDocument();
    expect(screen.getByText('4')).toBeInTheDocument(); // the total badge
  });

  it('selects with checkboxes and counts the selection on the execute button', async () => {
    serveUsers();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await user.click(await screen.findByRole('checkbox', { name: 'Select Alice Johnson' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select Bob Smith' }));
    expect(screen.getByRole('button', { name: 'Execute for Selected Users (2)' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Select every user on this page' })).toHaveAttribute('data-state', 'indeterminate');

    await user.click(screen.getByRole('checkbox', { name: 'Select every user on this page' }));
    expect(screen.getByRole('button', { name: 'Execute for Selected Users (4)' })).toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Deselect every user on this page' }));
    expect(screen.getByRole('button', { name: 'Execute for Selected Users (0)' })).toBeInTheDocument();
  });

  it('searches on the server, and selects every matching user', async () => {
    const list = serveUsers();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await screen.findByText('Alice Johnson');
    await user.type(screen.getByRole('searchbox', { name: 'Search users' }), 'marketing');
    await waitFor(() => expect(screen.queryByText('Carol Davis')).not.toBeInTheDocument());
    expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'marketing', offset: 0 }), expect.anything());

    await user.click(screen.getByRole('button', { name: 'Select all 2 matching' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Execute for Selected Users (2)' })).toBeInTheDocument());
  });

  it('sorts by a column, toggling the order, and says so to assistive technology', async () => {
    const list = serveUsers();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await screen.findByText('Alice Johnson');
    await user.click(screen.getByRole('button', { name: 'Sort by role' }));
    await waitFor(() => expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'role', order: 'asc' }), expect.anything()));
    await user.click(screen.getByRole('button', { name: /Sort by role, now ascending/ }));
    await waitFor(() => expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'role', order: 'desc' }), expect.anything()));
    expect(screen.getByRole('columnheader', { name: /role/i })).toHaveAttribute('aria-sort', 'descending');
  });

  it('flags selected users who lack a field the workflow uses', async () => {
    serveUsers();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await user.click(await screen.findByRole('checkbox', { name: 'Select Carol Davis' }));
    expect(screen.getByText('Missing preferences.tone')).toBeInTheDocument();
  });

  it('collapses to its header, keeping the execute button', async () => {
    serveUsers();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await screen.findByText('Alice Johnson');
    await user.click(screen.getByRole('button', { name: 'Collapse the users table' }));
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Execute for Selected Users/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Expand the users table' })).toHaveAttribute('aria-expanded', 'false');
  });
});
