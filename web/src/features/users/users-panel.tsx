import { Collapsible } from 'radix-ui';
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronDown, ChevronLeft, ChevronRight, ChevronUp, Download, Pencil, Search, Trash2, TriangleAlert, UserPlus, UsersRound, X } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Sheet, SheetContent, SheetTitle } from '@/components/ui/sheet';
import { Spinner } from '@/components/ui/spinner';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useErrorToast, useToast } from '@/components/ui/toaster';
import { api, type User, type UserQuery } from '@/lib/api';
import { cn } from '@/lib/cn';
import { saveFile } from '@/lib/files';
import { fieldText, flattenFields } from '@/lib/format';
import { useMediaQuery } from '@/lib/use-media-query';
import { useDebounced, useResource } from '@/lib/use-resource';
import { ImportUsersDialog } from './import-users-dialog';
import { UserEditorDialog } from './user-editor-dialog';
import { withoutUsers, withUsers, type UserSelection } from './user-selection';
import { UserName } from '@/components/user-name';

const PAGE_SIZE = 50;
/** The API's largest page, for "select all matching". */
const MAX_PAGE = 1000;
/** Columns shown first when users have them; any other field follows, alphabetically. */
const PREFERRED_COLUMNS = ['role', 'department', 'email'];
/** Below Tailwind's `sm`: a phone. The panel is a bar there, and the table opens as a sheet over the page. */
const NARROW = '(max-width: 639px)';
/** Deletes in flight at once in a bulk delete (the API deletes one user a request). */
const DELETES_AT_ONCE = 4;

export interface UsersPanelProps {
  selection: UserSelection;
  onSelectionChange(selection: UserSelection): void;
  /** Fields each selected user lacks for the chosen workflow (the preflight), by user id. */
  missingFields?: ReadonlyMap<string, string[]>;
  /** Bump to load the users again (after an import elsewhere). */
  refreshKey?: number;
  /** The directory changed here: users imported, added, edited or deleted. */
  onChanged?(): void;
  /** The run button, kept visible when the panel is collapsed. */
  actions?: ReactNode;
}

/**
 * The users directory, docked at the bottom of the page (a bar opening a sheet on a phone): search,
 * sort, pick users for a run; add, edit and delete users, one or the selection at once; import, export.
 */
export function UsersPanel({ selection, onSelectionChange, missingFields, refreshKey = 0, onChanged, actions }: UsersPanelProps) {
  const narrow = useMediaQuery(NARROW);
  const [open, setOpen] = useState(true);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ field: string; order: 'asc' | 'desc' }>({ field: 'name', order: 'asc' });
  const [offset, setOffset] = useState(0);
  const [selectingAll, setSelectingAll] = useState(false);
  const [version, setVersion] = useState(0);
  /** The user being edited, 'new' while adding one. */
  const [editing, setEditing] = useState<User | 'new'>();
  const [confirmingBulkDelete, setConfirmingBulkDelete] = useState(false);
  const errorToast = useErrorToast();
  const debouncedSearch = useDebounced(search.trim(), 250);
  const query: UserQuery = { search: debouncedSearch || undefined, sort: sort.field, order: sort.order, offset, limit: PAGE_SIZE };
  const users = useResource((signal) => api.listUsers(query, signal), [debouncedSearch, sort.field, sort.order, offset, refreshKey, version]);

  const items = users.data?.items ?? [];
  const total = users.data?.total ?? 0;
  const allMatchingSelected = total > 0 && items.every((user) => selection.has(user.id)) && total <= items.length;

  const changed = () => {
    setVersion((value) => value + 1);
    onChanged?.();
  };

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

  const toolbar = (
    <div className="flex w-full flex-wrap items-center gap-2 md:w-auto">
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
      <Button variant="outline" size="sm" onClick={() => setEditing('new')}>
        <UserPlus aria-hidden /> Add user
      </Button>
      <ImportUsersDialog onImported={changed} />
      <Button variant="ghost" size="sm" onClick={exportUsers} aria-label="Export users as CSV">
        <Download aria-hidden /> <span className="hidden lg:inline">Export</span>
      </Button>
      {selection.size > 0 && (
        <Button variant="ghost" size="sm" className="text-destructive" onClick={() => setConfirmingBulkDelete(true)}>
          <Trash2 aria-hidden /> Delete selected ({selection.size})
        </Button>
      )}
    </div>
  );

  const directory =
    users.error !== undefined && !users.data ? (
      <div className="px-4 pb-3">
        <ErrorNotice error={users.error} title="Could not load the users" onRetry={users.reload} />
      </div>
    ) : (
      <UsersTable
        items={items}
        loading={users.loading}
        search={debouncedSearch}
        onClearSearch={() => setSearch('')}
        selection={selection}
        onSelectionChange={onSelectionChange}
        missingFields={missingFields}
        sort={sort}
        onSort={toggleSort}
        onEdit={setEditing}
        containerClassName={narrow ? 'min-h-0 flex-1 border-t' : 'max-h-[30vh] min-h-24 border-t'}
      />
    );

  const pages = total > PAGE_SIZE && (
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
  );

  const title = (id?: string) => (
    <>
      <UsersRound aria-hidden />
      <span id={id} className="text-sm font-semibold">
        Users
      </span>
      <Badge variant="muted" className="tabular-nums">
        {total}
      </Badge>
    </>
  );

  const selectionSummary = (
    <>
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
    </>
  );

  const dialogs = (
    <>
      <UserEditorDialog
        user={editing === 'new' ? undefined : editing}
        open={editing !== undefined}
        onOpenChange={(next) => !next && setEditing(undefined)}
        onSaved={(saved) => {
          if (selection.has(saved.id)) onSelectionChange(withUsers(selection, [saved]));
          changed();
        }}
        onDeleted={(id) => {
          if (selection.has(id)) onSelectionChange(withoutUsers(selection, [id]));
          changed();
        }}
      />
      <BulkDeleteDialog
        open={confirmingBulkDelete}
        onOpenChange={setConfirmingBulkDelete}
        selection={selection}
        onDeleted={(ids) => {
          onSelectionChange(withoutUsers(selection, ids));
          changed();
        }}
      />
    </>
  );

  if (narrow) {
    return (
      <section aria-labelledby="users-panel-title" className="flex flex-col border-t bg-background shadow-[0_-4px_16px_-8px_rgb(0_0_0/0.12)]">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2">
          <Button variant="ghost" size="sm" className="-ml-2 gap-1.5 px-2" aria-haspopup="dialog" aria-label="Open the users table" onClick={() => setSheetOpen(true)}>
            <ChevronUp aria-hidden />
            {title('users-panel-title')}
          </Button>
          {selectionSummary}
          <div className="ml-auto flex flex-wrap items-center gap-2">{actions}</div>
        </div>
        <Sheet open={sheetOpen} onOpenChange={setSheetOpen}>
          <SheetContent aria-describedby={undefined}>
            <div className="flex flex-col gap-2 px-3 pb-2 pt-3">
              <SheetTitle className="flex items-center gap-1.5 pr-8 [&_svg]:size-4">{title()}</SheetTitle>
              <div className="flex flex-wrap items-center gap-x-3">{selectionSummary}</div>
              {toolbar}
            </div>
            {directory}
            {pages}
            <div className="flex justify-end border-t px-3 py-2">
              <Button variant="outline" size="sm" onClick={() => setSheetOpen(false)}>
                Done
              </Button>
            </div>
          </SheetContent>
        </Sheet>
        {dialogs}
      </section>
    );
  }

  return (
    <Collapsible.Root open={open} onOpenChange={setOpen} asChild>
      <section aria-labelledby="users-panel-title" className="flex min-h-0 flex-col border-t bg-background shadow-[0_-4px_16px_-8px_rgb(0_0_0/0.12)]">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2 sm:px-4">
          <Collapsible.Trigger asChild>
            <Button variant="ghost" size="sm" className="-ml-2 gap-1.5 px-2" aria-label={open ? 'Collapse the users table' : 'Expand the users table'}>
              <ChevronDown className={cn('transition-transform', !open && '-rotate-90')} aria-hidden />
              {title('users-panel-title')}
            </Button>
          </Collapsible.Trigger>
          {selectionSummary}
          {open && <div className="order-last w-full md:order-none md:w-auto">{toolbar}</div>}
          <div className="ml-auto flex flex-wrap items-center gap-2">{actions}</div>
        </div>

        <Collapsible.Content className="flex min-h-0 flex-col">
          {directory}
          {pages}
        </Collapsible.Content>
        {dialogs}
      </section>
    </Collapsible.Root>
  );
}

interface UsersTableProps {
  items: User[];
  loading: boolean;
  search: string;
  onClearSearch(): void;
  selection: UserSelection;
  onSelectionChange(selection: UserSelection): void;
  missingFields?: ReadonlyMap<string, string[]>;
  sort: { field: string; order: 'asc' | 'desc' };
  onSort(field: string): void;
  onEdit(user: User): void;
  containerClassName: string;
}

function UsersTable({ items, loading, search, onClearSearch, selection, onSelectionChange, missingFields, sort, onSort, onEdit, containerClassName }: UsersTableProps) {
  const columns = useMemo(() => columnsOf(items), [items]);
  const selectedOnPage = items.filter((user) => selection.has(user.id)).length;
  const pageState = selectedOnPage === 0 ? false : selectedOnPage === items.length ? true : 'indeterminate';
  return (
    <Table containerClassName={containerClassName} aria-label="Users">
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
          <SortableHead field="name" label="Name" sort={sort} onSort={onSort} />
          {columns.map((column) => (
            <SortableHead key={column} field={column} label={column} sort={sort} onSort={onSort} />
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
              className="group cursor-pointer"
              onClick={(event) => {
                if ((event.target as HTMLElement).closest('button,a,input')) return;
                onSelectionChange(selected ? withoutUsers(selection, [user.id]) : withUsers(selection, [user]));
              }}
            >
              <TableCell className="py-1.5">
                <Checkbox
                  aria-label={`Select ${user.name}`}
                  checked={selected}
                  onCheckedChange={(checked) => onSelectionChange(checked === true ? withUsers(selection, [user]) : withoutUsers(selection, [user.id]))}
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
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    className="ml-auto size-7 opacity-60 group-hover:opacity-100 focus-visible:opacity-100"
                    aria-label={`Edit ${user.name}`}
                    title="Edit"
                    onClick={() => onEdit(user)}
                  >
                    <Pencil aria-hidden />
                  </Button>
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
        {items.length === 0 && !loading && (
          <TableRow className="hover:bg-transparent">
            <TableCell colSpan={columns.length + 2} className="py-8 text-center text-muted-foreground">
              {search ? `No user matches “${search}”.` : 'No users yet. Import a CSV or add one to get started.'}
              {search && (
                <Button variant="link" size="sm" onClick={onClearSearch}>
                  <X aria-hidden /> Clear the search
                </Button>
              )}
            </TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}

/** Asks, then deletes every selected user; those it could not delete stay selected, and the toast says why. */
function BulkDeleteDialog({
  open,
  onOpenChange,
  selection,
  onDeleted,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  selection: UserSelection;
  onDeleted(ids: string[]): void;
}) {
  const [deleting, setDeleting] = useState(false);
  const toast = useToast();
  const users = [...selection.values()];
  const LISTED = 8;

  const deleteAll = async () => {
    setDeleting(true);
    const deleted: string[] = [];
    const failed: { user: User; error: unknown }[] = [];
    const queue = [...users];
    const worker = async () => {
      for (let user = queue.shift(); user; user = queue.shift()) {
        try {
          await api.deleteUser(user.id);
          deleted.push(user.id);
        } catch (error) {
          failed.push({ user, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELETES_AT_ONCE, queue.length) }, worker));
    setDeleting(false);
    onOpenChange(false);
    if (deleted.length > 0) onDeleted(deleted);
    if (failed.length === 0) toast({ title: `Deleted ${deleted.length} ${deleted.length === 1 ? 'user' : 'users'}` });
    else
      toast({
        title: `Deleted ${deleted.length} of ${users.length} users`,
        description: `Not deleted (still selected): ${failed.map(({ user, error }) => `${user.name}: ${error instanceof Error ? error.message : String(error)}`).join('; ')}`,
        variant: 'error',
      });
  };

  return (
    <Dialog open={open} onOpenChange={(next) => !deleting && onOpenChange(next)}>
      <DialogContent role="alertdialog" aria-describedby="bulk-delete-description">
        <DialogHeader>
          <DialogTitle>
            Delete {users.length} selected {users.length === 1 ? 'user' : 'users'}?
          </DialogTitle>
          <DialogDescription id="bulk-delete-description">They leave the directory; their results in earlier runs stay.</DialogDescription>
        </DialogHeader>
        <ul className="flex flex-col gap-0.5 text-sm">
          {users.slice(0, LISTED).map((user) => (
            <li key={user.id}>
              <UserName name={user.name} /> <span className="font-mono text-xs text-muted-foreground">{user.id}</span>
            </li>
          ))}
          {users.length > LISTED && <li className="text-muted-foreground">…and {users.length - LISTED} more</li>}
        </ul>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={deleting}>
              Keep them
            </Button>
          </DialogClose>
          <Button variant="destructive" onClick={deleteAll} disabled={deleting || users.length === 0}>
            {deleting ? <Spinner label="Deleting" /> : <Trash2 aria-hidden />} Delete {users.length}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
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
