import { Collapsible } from 'radix-ui';
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronDown, ChevronLeft, ChevronRight, Download, Search, TriangleAlert, UsersRound, X } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { Spinner } from '@/components/ui/spinner';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useErrorToast } from '@/components/ui/toaster';
import { api, type User, type UserQuery } from '@/lib/api';
import { cn } from '@/lib/cn';
import { saveFile } from '@/lib/files';
import { fieldText, flattenFields } from '@/lib/format';
import { useDebounced, useResource } from '@/lib/use-resource';
import { ImportUsersDialog } from './import-users-dialog';
import { withoutUsers, withUsers, type UserSelection } from './user-selection';
import { UserName } from '@/components/user-name';

const PAGE_SIZE = 50;
/** The API's largest page, for "select all matching". */
const MAX_PAGE = 1000;
/** Columns shown first when users have them; any other field follows, alphabetically. */
const PREFERRED_COLUMNS = ['role', 'department', 'email'];

export interface UsersPanelProps {
  selection: UserSelection;
  onSelectionChange(selection: UserSelection): void;
  /** Fields each selected user lacks for the chosen workflow (the preflight), by user id. */
  missingFields?: ReadonlyMap<string, string[]>;
  /** Bump to load the users again (after an import elsewhere). */
  refreshKey?: number;
  onImported?(): void;
  /** The run button, kept visible when the panel is collapsed. */
  actions?: ReactNode;
}

/** The users directory, docked at the bottom of the page: search, sort, pick users for a run, import. */
export function UsersPanel({ selection, onSelectionChange, missingFields, refreshKey = 0, onImported, actions }: UsersPanelProps) {
  const [open, setOpen] = useState(true);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ field: string; order: 'asc' | 'desc' }>({ field: 'name', order: 'asc' });
  const [offset, setOffset] = useState(0);
  const [selectingAll, setSelectingAll] = useState(false);
  const errorToast = useErrorToast();
  const debouncedSearch = useDebounced(search.trim(), 250);
  const query: UserQuery = { search: debouncedSearch || undefined, sort: sort.field, order: sort.order, offset, limit: PAGE_SIZE };
  const users = useResource((signal) => api.listUsers(query, signal), [debouncedSearch, sort.field, sort.order, offset, refreshKey]);

  const items = users.data?.items ?? [];
  const total = users.data?.total ?? 0;
  const columns = useMemo(() => columnsOf(items), [items]);
  const selectedOnPage = items.filter((user) => selection.has(user.id)).length;
  const pageState = selectedOnPage === 0 ? false : selectedOnPage === items.length ? true : 'indeterminate';
  const allMatchingSelected = total > 0 && selectedOnPage === items.length && total <= items.length;

  const toggleSort = (field: string) => {
    setOffset(0);
    setSort((current) => ({ field, order: current.field === field && current.order === 'asc' ? 'desc' : 'asc' }));
  };

  const selectAllMatching = async () => {
    setSelectingAll(true);
    try {
      const all: User[] = [];
      for (let from = 0; ; from += MAX_PAGE) {
        const page = await api.listUsers({ ...query, offset: from, limit: MAX_PAGE });
        all.push(...page.items);
        if (page.items.length < MAX_PAGE || all.length >= page.total) break;
      }
      onSelectionChange(withUsers(selection, all));
    } catch (error) {
      errorToast('Could not select every matching user', error);
    } finally {
      setSelectingAll(false);
    }
  };

  const exportUsers = async () => {
    try {
      const file = await api.exportUsers('csv');
      saveFile(file.blob, file.filename);
    } catch (error) {
      errorToast('Could not export the users', error);
    }
  };

  return (
    <Collapsible.Root open={open} onOpenChange={setOpen} asChild>
      <section aria-labelledby="users-panel-title" className="flex min-h-0 flex-col border-t bg-background shadow-[0_-4px_16px_-8px_rgb(0_0_0/0.12)]">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2 sm:px-4">
          <Collapsible.Trigger asChild>
            <Button variant="ghost" size="sm" className="-ml-2 gap-1.5 px-2" aria-label={open ? 'Collapse the users table' : 'Expand the users table'}>
              <ChevronDown className={cn('transition-transform', !open && '-rotate-90')} aria-hidden />
              <UsersRound aria-hidden />
              <span id="users-panel-title" className="text-sm font-semibold">
                Users
              </span>
              <Badge variant="muted" className="tabular-nums">
                {total}
              </Badge>
            </Button>
          </Collapsible.Trigger>
          <span className="text-sm text-muted-foreground" aria-live="polite">
            {selection.size > 0 ? (
              <>
                <span className="font-medium text-foreground">{selection.size}</span> selected
              </>
            ) : (
              'None selected'
            )}
          </span>
          {selection.size > 0 && (
            <Button variant="link" size="sm" className="h-auto px-0" onClick={() => onSelectionChange(new Map())}>
              Clear selection
            </Button>
          )}
          {open && (
            <div className="order-last flex w-full flex-wrap items-center gap-2 md:order-none md:w-auto">
              <div className="relative w-full sm:w-64">
                <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
                <Input
                  type="search"
                  aria-label="Search users"
                  placeholder="Search name, role, any field…"
                  className="pl-8"
                  value={search}
                  onChange={(event) => {
                    setSearch(event.target.value);
                    setOffset(0);
                  }}
                />
              </div>
              {(debouncedSearch || total > items.length) && total > 0 && !allMatchingSelected && (
                <Button variant="outline" size="sm" onClick={selectAllMatching} disabled={selectingAll}>
                  {selectingAll ? <Spinner label="Selecting" /> : null}
                  {debouncedSearch ? `Select all ${total} matching` : `Select all ${total}`}
                </Button>
              )}
              {users.loading && <Spinner label="Loading users" />}
              <ImportUsersDialog onImported={() => onImported?.()} />
              <Button variant="ghost" size="sm" onClick={exportUsers} aria-label="Export users as CSV">
                <Download aria-hidden /> <span className="hidden lg:inline">Export</span>
              </Button>
            </div>
          )}
          <div className="ml-auto flex flex-wrap items-center gap-2">{actions}</div>
        </div>

        <Collapsible.Content className="flex min-h-0 flex-col">
          {users.error !== undefined && !users.data ? (
            <div className="px-4 pb-3">
              <ErrorNotice error={users.error} title="Could not load the users" onRetry={users.reload} />
            </div>
          ) : (
            <Table containerClassName="max-h-[30vh] min-h-24 border-t" aria-label="Users">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="w-10">
                    <Checkbox
                      aria-label={pageState === true ? 'Deselect every user on this page' : 'Select every user on this page'}
                      checked={pageState}
                      disabled={items.length === 0}
                      onCheckedChange={() =>
                        onSelectionChange(pageState === true ? withoutUsers(selection, items.map((user) => user.id)) : withUsers(selection, items))
                      }
                    />
                  </TableHead>
                  <SortableHead field="name" label="Name" sort={sort} onSort={toggleSort} />
                  {columns.map((column) => (
                    <SortableHead key={column} field={column} label={column} sort={sort} onSort={toggleSort} />
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((user) => {
                  const selected = selection.has(user.id);
                  const flat = flattenFields(user);
                  const missing = selected ? missingFields?.get(user.id) : undefined;
                  return (
                    <TableRow
                      key={user.id}
                      data-state={selected ? 'selected' : undefined}
                      className="cursor-pointer"
                      onClick={(event) => {
                        if ((event.target as HTMLElement).closest('button,a,input')) return;
                        onSelectionChange(selected ? withoutUsers(selection, [user.id]) : withUsers(selection, [user]));
                      }}
                    >
                      <TableCell className="py-1.5">
                        <Checkbox
                          aria-label={`Select ${user.name}`}
                          checked={selected}
                          onCheckedChange={(checked) =>
                            onSelectionChange(checked === true ? withUsers(selection, [user]) : withoutUsers(selection, [user.id]))
                          }
                        />
                      </TableCell>
                      <TableCell className="min-w-44 py-1.5">
                        <div className="flex items-center gap-1.5 font-medium">
                          <UserName name={user.name} />
                          {missing && missing.length > 0 && (
                            <span title={`Missing ${missing.join(', ')}`} className="inline-flex text-warning-strong">
                              <TriangleAlert className="size-3.5" aria-hidden />
                              <span className="sr-only">{`Missing ${missing.join(', ')}`}</span>
                            </span>
                          )}
                        </div>
                        <div className="font-mono text-xs text-muted-foreground">{user.id}</div>
                      </TableCell>
                      {columns.map((column) => (
                        <TableCell key={column} className={cn('max-w-64 truncate py-1.5', missing?.includes(column) && 'bg-warning/10')}>
                          {fieldText(flat[column]) || <span className="text-muted-foreground/60">—</span>}
                        </TableCell>
                      ))}
                    </TableRow>
                  );
                })}
                {items.length === 0 && !users.loading && (
                  <TableRow className="hover:bg-transparent">
                    <TableCell colSpan={columns.length + 2} className="py-8 text-center text-muted-foreground">
                      {debouncedSearch ? `No user matches “${debouncedSearch}”.` : 'No users yet. Import a CSV to get started.'}
                      {debouncedSearch && (
                        <Button variant="link" size="sm" onClick={() => setSearch('')}>
                          <X aria-hidden /> Clear the search
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                )}
              </TableBody>
            </Table>
          )}

          {total > PAGE_SIZE && (
            <nav aria-label="Users pages" className="flex items-center justify-end gap-2 border-t px-4 py-1.5 text-xs text-muted-foreground">
              <span className="tabular-nums">
                {offset + 1}–{Math.min(offset + PAGE_SIZE, total)} of {total}
              </span>
              <Button variant="ghost" size="icon-sm" aria-label="Previous page" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                <ChevronLeft aria-hidden />
              </Button>
              <Button variant="ghost" size="icon-sm" aria-label="Next page" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                <ChevronRight aria-hidden />
              </Button>
            </nav>
          )}
        </Collapsible.Content>
      </section>
    </Collapsible.Root>
  );
}

function SortableHead({
  field,
  label,
  sort,
  onSort,
}: {
  field: string;
  label: string;
  sort: { field: string; order: 'asc' | 'desc' };
  onSort(field: string): void;
}) {
  const active = sort.field === field;
  const Icon = !active ? ArrowUpDown : sort.order === 'asc' ? ArrowUp : ArrowDown;
  return (
    <TableHead aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        onClick={() => onSort(field)}
        className="-mx-1 inline-flex items-center gap-1 rounded px-1 py-0.5 uppercase hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        aria-label={`Sort by ${label}${active ? (sort.order === 'asc' ? ', now ascending' : ', now descending') : ''}`}
      >
        {label}
        <Icon className={cn('size-3', !active && 'opacity-40')} aria-hidden />
      </button>
    </TableHead>
  );
}

function columnsOf(users: User[]): string[] {
  const fields = new Set<string>();
  for (const user of users) for (const key of Object.keys(flattenFields(user))) if (key !== 'id' && key !== 'name') fields.add(key);
  const preferred = PREFERRED_COLUMNS.filter((field) => fields.has(field));
  return [...preferred, ...[...fields].filter((field) => !PREFERRED_COLUMNS.includes(field)).sort()];
}
