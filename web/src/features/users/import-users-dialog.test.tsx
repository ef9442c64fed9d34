import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api';
import { renderWithProviders } from '@/test/render';
import { ImportUsersDialog } from './import-users-dialog';
import { previewImport } from './import-preview';

const CSV = 'id,name,role\nalice,Alice Johnson,Manager\nbad id!,Broken,Intern\n\n"carol","Carol ""CD"" Davis","Lead,\nSocial"\n';

describe('previewImport', () => {
  it('numbers CSV rows by the line they start on, as the server does (header = 1, blank lines skipped)', () => {
    const preview = previewImport(CSV, 'users.csv');
    expect(preview.columns).toEqual(['id', 'name', 'role']);
    expect(preview.records.map((record) => record.row)).toEqual([2, 3, 5]);
    expect(preview.records[2].cells).toEqual(['carol', 'Carol "CD" Davis', 'Lead,\nSocial']);
    expect(preview.records[1].source).toBe('bad id!,Broken,Intern');
  });

  it('numbers JSON users from 1 and says what is wrong with an unreadable file', () => {
    expect(previewImport('[{"name":"A"},{"name":"B","x":1}]').records.map((record) => [record.row, record.cells])).toEqual([
      [1, ['A', '']],
      [2, ['B', '1']],
    ]);
    expect(previewImport('{"name":"A"}', 'u.json').problem).toMatch(/array/);
    expect(previewImport('id,role\na,b\n').problem).toMatch(/'name' column/);
  });
});

describe('ImportUsersDialog', () => {
  it('previews the file, imports it, and shows the rejected rows as written with the reason', async () => {
    const importUsers = vi.spyOn(api, 'importUsers').mockResolvedValue({ imported: 2, rejected: [{ row: 3, reason: "'id' must match ^[A-Za-z0-9\\-_.~]{1,128}$" }] });
    const onImported = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ImportUsersDialog onImported={onImported} />);

    await user.click(screen.getByRole('button', { name: 'Import CSV' }));
    const dialog = screen.getByRole('dialog', { name: 'Import users' });
    await user.upload(within(dialog).getByLabelText('CSV or JSON file'), new File([CSV], 'users.csv', { type: 'text/csv' }));
    expect(await within(dialog).findByText('users.csv')).toBeInTheDocument();
    expect(within(dialog).getByRole('region', { name: 'Preview' })).toHaveTextContent('3 rows');

    await user.click(within(dialog).getByRole('button', { name: 'Import 3 rows' }));
    expect(importUsers).toHaveBeenCalledWith(CSV, 'csv', 'upsert');
    expect(await within(dialog).findByText('Imported 2 users, rejected 1 row')).toBeInTheDocument();
    const rejected = within(dialog).getByRole('table', { name: 'Rejected rows' });
    expect(rejected).toHaveTextContent('bad id!,Broken,Intern');
    expect(rejected).toHaveTextContent("'id' must match");
    expect(onImported).toHaveBeenCalledOnce();
  });

  it('keeps existing users when asked, and shows the server refusing the file', async () => {
    const { ApiError } = await import('@/lib/api');
    vi.spyOn(api, 'importUsers').mockRejectedValue(new ApiError(400, 'bad_request', 'The CSV needs a name column.'));
    const user = userEvent.setup();
    renderWithProviders(<ImportUsersDialog onImported={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Import CSV' }));
    await user.click(screen.getByText('…or paste the CSV'));
    await user.click(screen.getByLabelText('CSV or JSON text'));
    await user.paste('name\nZed');
    await user.selectOptions(screen.getByLabelText('Existing users'), 'skip');
    await user.click(screen.getByRole('button', { name: 'Import 1 row' }));
    expect(api.importUsers).toHaveBeenCalledWith('name\nZed', 'csv', 'skip');
    expect(await screen.findByText('The CSV needs a name column.')).toBeInTheDocument();
  });
});
