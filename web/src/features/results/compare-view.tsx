import { Check, Copy, Download } from 'lucide-react';
import { Button } from '@/components/ui/button';
import type { UserResult } from '@/lib/api';
import { cn } from '@/lib/cn';
import { formatTokens, possessive } from '@/lib/format';
import { UserResultView } from './user-result-view';

export const MAX_COMPARED = 4;

/** 2–4 users side by side: their final results (nodes folded) in columns, each with its own copy and download. */
export function CompareView({
  users,
  compared,
  onComparedChange,
  query,
  onCopy,
  onDownload,
}: {
  users: UserResult[];
  compared: string[];
  onComparedChange(ids: string[]): void;
  query?: string;
  onCopy?(user: UserResult): void;
  onDownload?(user: UserResult): void;
}) {
  const shown = compared.map((id) => users.find((user) => user.userId === id)).filter((user): user is UserResult => !!user);
  const toggle = (id: string) => {
    if (compared.includes(id)) onComparedChange(compared.filter((other) => other !== id));
    else if (compared.length < MAX_COMPARED) onComparedChange([...compared, id]);
  };
  return (
    <div className="flex flex-col gap-3">
      <fieldset className="flex flex-wrap items-center gap-1.5">
        <legend className="mb-1.5 text-xs text-muted-foreground">
          Compare up to {MAX_COMPARED} users ({shown.length} chosen)
        </legend>
        {users.map((user) => {
          const on = compared.includes(user.userId);
          return (
            <button
              key={user.userId}
              type="button"
              aria-pressed={on}
              disabled={!on && compared.length >= MAX_COMPARED}
              onClick={() => toggle(user.userId)}
              className={cn(
                'inline-flex items-center gap-1 rounded-full border px-2.5 py-1 text-xs font-medium transition-colors',
                'focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-40',
                on ? 'border-primary bg-primary text-primary-foreground' : 'hover:bg-muted',
              )}
            >
              {on && <Check className="size-3" aria-hidden />}
              {user.userName}
            </button>
          );
        })}
      </fieldset>
      {shown.length < 2 && <p className="text-sm text-muted-foreground">Choose at least two users to see them side by side.</p>}
      <div
        role="group"
        aria-label="Side-by-side comparison"
        className={cn('grid gap-3', shown.length >= 2 && 'md:grid-cols-2', shown.length === 3 && 'xl:grid-cols-3', shown.length === 4 && 'xl:grid-cols-4')}
      >
        {shown.map((user) => (
          <section key={user.userId} aria-label={user.userName} className="flex min-w-0 flex-col gap-2 rounded-lg border bg-muted/30 p-3">
            <div className="flex items-center gap-2">
              <h3 className="flex min-w-0 flex-1 items-baseline justify-between gap-2 text-sm font-semibold">
                <span className="truncate">{user.userName}</span>
                <span className="shrink-0 text-xs font-normal text-muted-foreground">{formatTokens(user.tokens)}</span>
              </h3>
              {'final' in user && onDownload && (
                <Button variant="ghost" size="icon-sm" aria-label={`Download ${possessive(user.userName)} result`} title="Download" onClick={() => onDownload(user)}>
                  <Download aria-hidden />
                </Button>
              )}
              {'final' in user && onCopy && (
                <Button variant="ghost" size="icon-sm" aria-label={`Copy ${possessive(user.userName)} Result`} title="Copy" onClick={() => onCopy(user)}>
                  <Copy aria-hidden />
                </Button>
              )}
            </div>
            <UserResultView user={user} query={query} compact />
          </section>
        ))}
      </div>
    </div>
  );
}
