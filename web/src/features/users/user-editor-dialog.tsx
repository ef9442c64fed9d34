import { Plus, Trash2, X } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input, NativeSelect } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useErrorToast, useToast } from '@/components/ui/toaster';
import { api, ApiError, type User } from '@/lib/api';
import { cn } from '@/lib/cn';
import { fieldRowsOf, rowOfField, userBodyOf, type FieldRow, type FieldType } from './user-fields';

export interface UserEditorDialogProps {
  /** The user to edit; undefined with `open` adds one. */
  user?: User;
  open: boolean;
  onOpenChange(open: boolean): void;
  onSaved(user: User): void;
  onDeleted(id: string): void;
}

const TYPE_LABELS: Record<FieldType, string> = { text: 'Text', number: 'Number', boolean: 'True/false', json: 'JSON' };

/** Adds or edits one user of the directory: name, id, and free fields (nested ones as dotted paths); deletes one. */
export function UserEditorDialog({ user, open, onOpenChange, ...handlers }: UserEditorDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl" aria-describedby="user-editor-description">
        {open && <UserEditorForm key={user?.id ?? 'new'} user={user} close={() => onOpenChange(false)} {...handlers} />}
      </DialogContent>
    </Dialog>
  );
}

interface Errors {
  /** Not tied to one field. */
  form?: string;
  id?: string;
  name?: string;
  rows: Map<number, string>;
}

function UserEditorForm({ user, close, onSaved, onDeleted }: { user?: User; close(): void } & Pick<UserEditorDialogProps, 'onSaved' | 'onDeleted'>) {
  const editing = user !== undefined;
  const [id, setId] = useState('');
  const [name, setName] = useState(user?.name ?? '');
  const [rows, setRows] = useState<FieldRow[]>(() => fieldRowsOf(user));
  const [errors, setErrors] = useState<Errors>({ rows: new Map() });
  const [saving, setSaving] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const toast = useToast();
  const errorToast = useErrorToast();

  const updateRow = (index: number, change: Partial<FieldRow>) => {
    setRows((all) => all.map((row, i) => (i === index ? { ...row, ...change } : row)));
    setErrors((current) => ({ ...current, form: undefined, rows: withoutKey(current.rows, index) }));
  };
  const removeRow = (index: number) => {
    setRows((all) => all.filter((_, i) => i !== index));
    setErrors((current) => ({ ...current, rows: new Map() }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const draft = userBodyOf({ id: editing ? undefined : id, name, rows });
    if ('errors' in draft) {
      setErrors({ name: draft.errors.name, rows: draft.errors.rows });
      return;
    }
    setSaving(true);
    try {
      const saved = editing ? await api.replaceUser(user.id, { ...draft.body, id: user.id }) : await api.createUser(draft.body);
      toast({ title: editing ? `Saved ${saved.name}` : `Added ${saved.name}`, description: `id ${saved.id}` });
      onSaved(saved);
      close();
    } catch (error) {
      if (error instanceof ApiError && (error.status === 400 || error.status === 409)) setErrors(serverErrors(error, rows));
      else errorToast('Could not save the user', error);
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!user) return;
    setSaving(true);
    try {
      await api.deleteUser(user.id);
      toast({ title: `Deleted ${user.name}` });
      onDeleted(user.id);
      close();
    } catch (error) {
      errorToast(`Could not delete ${user.name}`, error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="flex min-h-0 flex-col gap-4" aria-label={editing ? `Edit ${user.name}` : 'Add a user'}>
      <DialogHeader>
        <DialogTitle>{editing ? `Edit ${user.name}` : 'Add a user'}</DialogTitle>
        <DialogDescription id="user-editor-description">
          Fields are what prompts use as <code className="font-mono">{'{{user:field}}'}</code>; a dotted path such as{' '}
          <code className="font-mono">preferences.platform</code> is a nested field.
        </DialogDescription>
      </DialogHeader>

      {errors.form && (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {errors.form}
        </p>
      )}

      <div className="grid gap-3 sm:grid-cols-2">
        <FieldBox label="Name" htmlFor="user-name" error={errors.name}>
          <Input
            id="user-name"
            value={name}
            autoComplete="off"
            aria-invalid={!!errors.name}
            aria-describedby={errors.name ? 'user-name-error' : undefined}
            onChange={(event) => {
              setName(event.target.value);
              setErrors((current) => ({ ...current, name: undefined, form: undefined }));
            }}
          />
        </FieldBox>
        <FieldBox label="Id" htmlFor="user-id" error={errors.id} hint={editing ? 'Ids cannot change.' : 'Optional: made from the name when empty.'}>
          <Input
            id="user-id"
            value={editing ? user.id : id}
            readOnly={editing}
            autoComplete="off"
            className={cn('font-mono', editing && 'bg-muted text-muted-foreground')}
            aria-invalid={!!errors.id}
            aria-describedby={errors.id ? 'user-id-error' : 'user-id-hint'}
            onChange={(event) => {
              setId(event.target.value);
              setErrors((current) => ({ ...current, id: undefined, form: undefined }));
            }}
          />
        </FieldBox>
      </div>

      <fieldset className="flex min-h-0 flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">Fields</legend>
        <ul className="flex max-h-[45dvh] flex-col gap-2 overflow-y-auto pr-1" aria-label="Fields">
          {rows.map((row, index) => {
            const error = errors.rows.get(index);
            const label = row.path.trim() || `field ${index + 1}`;
            return (
              <li key={index} className="flex flex-col gap-1">
                <div className="grid grid-cols-[minmax(0,1fr)_auto] gap-2 sm:grid-cols-[minmax(0,12rem)_7.5rem_minmax(0,1fr)_auto]">
                  <Input
                    aria-label={`Field ${index + 1} path`}
                    placeholder="preferences.platform"
                    className="font-mono text-xs"
                    value={row.path}
                    aria-invalid={!!error}
                    onChange={(event) => updateRow(index, { path: event.target.value })}
                  />
                  <Button type="button" variant="ghost" size="icon" className="sm:order-last" aria-label={`Remove ${label}`} onClick={() => removeRow(index)}>
                    <X aria-hidden />
                  </Button>
                  <NativeSelect
                    aria-label={`Type of ${label}`}
                    value={row.type}
                    onChange={(event) => {
                      const type = event.target.value as FieldType;
                      updateRow(index, { type, value: type === 'boolean' && row.value !== 'true' ? 'false' : row.value });
                    }}
                  >
                    {Object.entries(TYPE_LABELS).map(([type, text]) => (
                      <option key={type} value={type}>
                        {text}
                      </option>
                    ))}
                  </NativeSelect>
                  {row.type === 'boolean' ? (
                    <NativeSelect aria-label={`Value of ${label}`} value={row.value} onChange={(event) => updateRow(index, { value: event.target.value })}>
                      <option value="true">true</option>
                      <option value="false">false</option>
                    </NativeSelect>
                  ) : (
                    <Input
                      aria-label={`Value of ${label}`}
                      className={cn(row.type !== 'text' && 'font-mono text-xs')}
                      inputMode={row.type === 'number' ? 'decimal' : undefined}
                      value={row.value}
                      aria-invalid={!!error}
                      aria-describedby={error ? `user-field-${index}-error` : undefined}
                      onChange={(event) => updateRow(index, { value: event.target.value })}
                    />
                  )}
                </div>
                {error && (
                  <p id={`user-field-${index}-error`} className="text-xs text-destructive">
                    {error}
                  </p>
                )}
              </li>
            );
          })}
          {rows.length === 0 && <li className="text-sm text-muted-foreground">No fields yet.</li>}
        </ul>
        <Button type="button" variant="outline" size="sm" className="self-start" onClick={() => setRows((all) => [...all, { path: '', type: 'text', value: '' }])}>
          <Plus aria-hidden /> Add field
        </Button>
      </fieldset>

      <DialogFooter className="sm:justify-between">
        <div className="flex flex-wrap items-center gap-2">
          {editing &&
            (confirmingDelete ? (
              <div role="group" aria-label="Confirm deletion" className="flex flex-wrap items-center gap-2 text-sm">
                <span>Delete {user.name}? Their results stay in earlier runs.</span>
                <Button type="button" variant="destructive" size="sm" onClick={remove} disabled={saving}>
                  Delete
                </Button>
                <Button type="button" variant="ghost" size="sm" onClick={() => setConfirmingDelete(false)}>
                  Keep
                </Button>
              </div>
            ) : (
              <Button type="button" variant="ghost" size="sm" className="text-destructive" onClick={() => setConfirmingDelete(true)}>
                <Trash2 aria-hidden /> Delete user
              </Button>
            ))}
        </div>
        <div className="flex flex-col-reverse gap-2 sm:flex-row">
          <DialogClose asChild>
            <Button type="button" variant="outline">
              Cancel
            </Button>
          </DialogClose>
          <Button type="submit" disabled={saving}>
            {saving ? 'Saving…' : editing ? 'Save' : 'Add user'}
          </Button>
        </div>
      </DialogFooter>
    </form>
  );
}

function FieldBox({ label, htmlFor, error, hint, children }: { label: string; htmlFor: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={htmlFor}>{label}</Label>
      {children}
      {error ? (
        <p id={`${htmlFor}-error`} className="text-xs text-destructive">
          {error}
        </p>
      ) : (
        hint && (
          <p id={`${htmlFor}-hint`} className="text-xs text-muted-foreground">
            {hint}
          </p>
        )
      )}
    </div>
  );
}

/** The server's refusal shown where it belongs: `details: [{field, errors}]` at the id, the name or the field's row. */
function serverErrors(error: ApiError, rows: FieldRow[]): Errors {
  const errors: Errors = { rows: new Map() };
  let placed = false;
  for (const [field, message] of error.fieldErrors) {
    const text = `${field} ${message}`;
    if (field === 'id' || field === 'name') errors[field] = text;
    else {
      const row = rowOfField(rows, field);
      if (row === undefined) continue;
      errors.rows.set(row, text);
    }
    placed = true;
  }
  if (!placed) errors.form = error.message;
  return errors;
}

function withoutKey<K, V>(map: Map<K, V>, key: K): Map<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}
