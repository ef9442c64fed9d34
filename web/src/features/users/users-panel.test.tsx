import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, type User, type UserQuery } from '@/lib/api';
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

/** A directory the tests can change: create, replace and delete answer as the server would. */
function serveDirectory(initial = USERS) {
  const users = [...initial];
  serveUsers(users);
  const create = vi.spyOn(api, 'createUser').mockImplementation(async (body) => {
    const created = { ...body, id: body.id ?? body.name.toLowerCase().replace(/\W+/g, '-') } as User;
    users.push(created);
    return created;
  });
  const replace = vi.spyOn(api, 'replaceUser').mockImplementation(async (id, body) => {
    users.splice(users.findIndex((user) => user.id === id), 1, body);
    return body;
  });
  const remove = vi.spyOn(api, 'deleteUser').mockImplementation(async (id) => {
    users.splice(users.findIndex((user) => user.id === id), 1);
  });
  return { users, create, replace, remove };
}

/** Makes `window.matchMedia` answer as a 390 px wide phone would. */
function asPhone() {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: query === '(max-width: 639px)',
    media: query,
    addEventListener() {},
    removeEventListener() {},
  }));
}

function Harness({ onSelection, initial = new Map() }: { onSelection?(selection: UserSelection): void; initial?: UserSelection }) {
  const [selection, setSelection] = useState<UserSelection>(initial);
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
  afterEach(() => vi.unstubAllGlobals());

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

  it('adds a user with nested fields, typed values and an id made by the server', async () => {
    const { create } = serveDirectory();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await screen.findByText('Alice Johnson');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    const dialog = screen.getByRole('dialog', { name: 'Add a user' });
    await user.type(within(dialog).getByLabelText('Name'), 'Erin Park');
    await user.click(within(dialog).getByRole('button', { name: 'Add field' }));
    await user.type(within(dialog).getByLabelText('Field 1 path'), 'preferences.platform');
    await user.type(within(dialog).getByLabelText('Value of preferences.platform'), 'TikTok');
    await user.click(within(dialog).getByRole('button', { name: 'Add field' }));
    await user.type(within(dialog).getByLabelText('Field 2 path'), 'age');
    await user.selectOptions(within(dialog).getByLabelText('Type of age'), 'number');
    await user.type(within(dialog).getByLabelText('Value of age'), '29');
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));

    expect(create).toHaveBeenCalledWith({ name: 'Erin Park', preferences: { platform: 'TikTok' }, age: 29 });
    expect(await screen.findByText('Added Erin Park')).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: 'Add a user' })).not.toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Users' });
    expect(await within(table).findByText('erin-park')).toBeInTheDocument();
    expect(within(table).getByText('TikTok')).toBeInTheDocument();
  });

  it('refuses a bad draft in the page, at the row concerned, without asking the server', async () => {
    const { create } = serveDirectory();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await screen.findByText('Alice Johnson');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    const dialog = screen.getByRole('dialog', { name: 'Add a user' });
    await user.click(within(dialog).getByRole('button', { name: 'Add field' }));
    await user.type(within(dialog).getByLabelText('Field 1 path'), 'age');
    await user.selectOptions(within(dialog).getByLabelText('Type of age'), 'number');
    await user.type(within(dialog).getByLabelText('Value of age'), 'old');
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));
    expect(within(dialog).getByText('The name is required.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Value of age')).toHaveAccessibleDescription("'old' is not a number.");
    expect(create).not.toHaveBeenCalled();
  });

  it("shows the server's validation errors at the field they name", async () => {
    const { create } = serveDirectory();
    create.mockRejectedValueOnce(new ApiError(400, 'bad_request', "Invalid user: 'id' must match ^[A-Za-z0-9\\-_.~]{1,128}$.", [{ field: 'id', errors: ['must match ^[A-Za-z0-9\\-_.~]{1,128}$'] }]));
    create.mockRejectedValueOnce(new ApiError(409, 'conflict', "A user with id 'alice' already exists.", [{ field: 'id', errors: ['is taken by another user'] }]));
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await screen.findByText('Alice Johnson');
    await user.click(screen.getByRole('button', { name: 'Add user' }));
    const dialog = screen.getByRole('dialog', { name: 'Add a user' });
    await user.type(within(dialog).getByLabelText('Name'), 'X');
    await user.type(within(dialog).getByLabelText('Id'), 'bad id!');
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));
    expect(await within(dialog).findByText(/^id must match/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Id')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(within(dialog).getByLabelText('Id'));
    await user.type(within(dialog).getByLabelText('Id'), 'alice');
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));
    expect(await within(dialog).findByText('id is taken by another user')).toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'Add a user' })).toBeInTheDocument(); // nothing lost: the draft stays
  });

  it("edits a user's nested field, keeping the id and the selection's copy up to date", async () => {
    const { replace } = serveDirectory();
    const onSelection = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<Harness onSelection={onSelection} initial={new Map([['alice', USERS[0]]])} />);
    await user.click(await screen.findByRole('button', { name: 'Edit Alice Johnson' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Alice Johnson' });
    expect(within(dialog).getByLabelText('Id')).toHaveAttribute('readonly');
    const platform = within(dialog).getByLabelText('Value of preferences.platform');
    expect(platform).toHaveValue('LinkedIn');
    await user.clear(platform);
    await user.type(platform, 'Mastodon');
    await user.click(within(dialog).getByRole('button', { name: 'Remove department' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const saved = { id: 'alice', name: 'Alice Johnson', role: 'Marketing Manager', preferences: { platform: 'Mastodon', tone: 'professional' } };
    expect(replace).toHaveBeenCalledWith('alice', saved);
    expect(onSelection).toHaveBeenLastCalledWith(new Map([['alice', saved]]));
    expect(await within(screen.getByRole('table', { name: 'Users' })).findByText('Mastodon')).toBeInTheDocument();
  });

  it('deletes one user from the editor, after asking', async () => {
    const { remove } = serveDirectory();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    await user.click(await screen.findByRole('button', { name: 'Edit Dan Wilson' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Dan Wilson' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    expect(remove).not.toHaveBeenCalled();
    await user.click(within(within(dialog).getByRole('group', { name: 'Confirm deletion' })).getByRole('button', { name: 'Delete' }));
    expect(remove).toHaveBeenCalledWith('dan');
    await waitFor(() => expect(screen.queryByText('Dan Wilson')).not.toBeInTheDocument());
  });

  it('deletes the whole selection at once; a user it could not delete stays selected', async () => {
    const { remove } = serveDirectory();
    remove.mockImplementation(async (id) => {
      if (id === 'bob') throw new ApiError(503, 'store_unavailable', 'The batch store (redis) is unavailable.');
    });
    const onSelection = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<Harness onSelection={onSelection} />);
    for (const name of ['Alice Johnson', 'Bob Smith', 'Carol Davis']) await user.click(await screen.findByRole('checkbox', { name: `Select ${name}` }));
    await user.click(screen.getByRole('button', { name: 'Delete selected (3)' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Delete 3 selected users?' });
    expect(confirm).toHaveTextContent('Alice Johnson');
    await user.click(within(confirm).getByRole('button', { name: 'Delete 3' }));

    expect(remove.mock.calls.map(([id]) => id).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(await screen.findByText('Deleted 2 of 3 users')).toBeInTheDocument();
    expect(screen.getByText(/Bob Smith: The batch store \(redis\) is unavailable/)).toBeInTheDocument();
    expect([...onSelection.mock.lastCall![0].keys()]).toEqual(['bob']);
  });

  it('is a bar on a phone, and the table opens as a sheet over the page', async () => {
    asPhone();
    serveUsers();
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    // Docked, only the bar: no table taking half the screen.
    expect(screen.getByRole('button', { name: /Execute for Selected Users/ })).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Open the users table' }));
    const sheet = screen.getByRole('dialog', { name: /Users/ });
    await user.click(await within(sheet).findByRole('checkbox', { name: 'Select Bob Smith' }));
    expect(within(sheet).getByText('selected')).toHaveTextContent('1 selected');
    await user.click(within(sheet).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Execute for Selected Users (1)' })).toBeInTheDocument();
  });
});
