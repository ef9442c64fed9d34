import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { Input, Textarea } from '@/components/ui/input';
import { cn } from '@/lib/cn';
import { FieldErrors } from './field-errors';
import { applySuggestion, completionAt, suggestionsFor, unknownPlaceholders, type CompletionContext, type TemplateScope } from './template-completion';

export interface TemplateEditorProps {
  label: string;
  value: string;
  onChange(value: string): void;
  scope: TemplateScope;
  /** The server's messages about this field. */
  errors?: readonly string[];
  /** One line (a function input's value) rather than a text area. */
  singleLine?: boolean;
  readOnly?: boolean;
  placeholder?: string;
  rows?: number;
}

/**
 * A template field: typing `{{user:` offers the directory's user fields, `{{node:` the earlier nodes
 * and their outputs' fields (arrow keys move, Enter or Tab takes one, Escape closes the list); the
 * placeholders that name nothing known are listed under it as you type.
 */
export function TemplateEditor({ label, value, onChange, scope, errors, singleLine, readOnly, placeholder, rows = 4 }: TemplateEditorProps) {
  const id = useId();
  const field = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const [context, setContext] = useState<CompletionContext>();
  const [active, setActive] = useState(0);
  const suggestions = useMemo(() => (context ? suggestionsFor(context, scope) : []), [context, scope]);
  const open = !readOnly && suggestions.length > 0;
  const unknown = useMemo(() => unknownPlaceholders(value, scope), [value, scope]);

  const look = (text: string, cursor: number) => {
    setContext(completionAt(text, cursor));
    setActive(0);
  };
  const take = (index: number) => {
    const element = field.current;
    if (!context || !element) return;
    const next = applySuggestion(value, element.selectionStart ?? value.length, context, suggestions[index]);
    // The new text put in at once, and the cursor after the insertion within the same keystroke: a key typed right
    // after lands there (set on the next frame, a fast typist's next key went where React had left the cursor).
    flushSync(() => onChange(next.text));
    element.setSelectionRange(next.cursor, next.cursor);
    look(next.text, next.cursor); // the list for what follows (`user:` → fields)
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => (current + step + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      take(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setContext(undefined);
    }
  };

  const describedBy = [unknown.length > 0 && `${id}-unknown`, errors?.length && `${id}-errors`].filter(Boolean).join(' ') || undefined;
  const shared = {
    id,
    ref: field,
    value,
    readOnly,
    placeholder,
    role: 'combobox',
    'aria-autocomplete': 'list' as const,
    'aria-expanded': open,
    'aria-controls': open ? `${id}-list` : undefined,
    'aria-activedescendant': open ? `${id}-option-${active}` : undefined,
    'aria-invalid': errors && errors.length > 0 ? true : undefined,
    'aria-describedby': describedBy,
    spellCheck: false,
    onChange: (event: { target: { value: string; selectionStart: number | null } }) => {
      onChange(event.target.value);
      look(event.target.value, event.target.selectionStart ?? event.target.value.length);
    },
    onKeyDown,
    onBlur: () => setContext(undefined),
    onClick: (event: { currentTarget: { value: string; selectionStart: number | null } }) =>
      look(event.currentTarget.value, event.currentTarget.selectionStart ?? 0),
  };

  return (
    <div className="relative flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-muted-foreground">
        {label}
      </label>
      {singleLine ? (
        <Input {...shared} className={cn('font-mono text-xs', errors?.length && 'border-destructive')} />
      ) : (
        <Textarea {...shared} rows={rows} className={cn(errors?.length && 'border-destructive')} />
      )}
      {open && (
        <ul
          id={`${id}-list`}
          role="listbox"
          aria-label={`${context!.source === 'node' ? 'Earlier nodes' : context!.source === 'user' ? 'User fields' : 'Placeholders'}`}
          className="absolute left-0 right-0 top-full z-20 mt-1 max-h-56 overflow-auto rounded-md border bg-popover p-1 text-sm shadow-lg"
        >
          {suggestions.map((suggestion, index) => (
            <li
              key={suggestion.value}
              id={`${id}-option-${index}`}
              role="option"
              aria-selected={index === active}
              // Keeps the focus in the field, so the list stays open until the choice is made.
              onMouseDown={(event) => {
                event.preventDefault();
                take(index);
              }}
              className={cn('flex cursor-pointer items-center justify-between gap-3 rounded px-2 py-1', index === active && 'bg-accent text-accent-foreground')}
            >
              <span className="font-mono text-xs">{suggestion.value}</span>
              {suggestion.detail && <span className="truncate text-xs text-muted-foreground">{suggestion.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      {unknown.length > 0 && (
        <ul id={`${id}-unknown`} aria-label={`Unknown fields in ${label}`} className="flex flex-col gap-0.5 text-xs text-warning-strong">
          {unknown.map((entry, index) => (
            <li key={index}>
              <mark className="rounded bg-warning/25 px-1 font-mono text-warning-strong ring-1 ring-warning/60">{entry.placeholder}</mark>: {entry.reason}
            </li>
          ))}
        </ul>
      )}
      <FieldErrors id={`${id}-errors`} errors={errors} />
    </div>
  );
}
