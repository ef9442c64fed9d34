import { Play, TriangleAlert } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useErrorToast } from '@/components/ui/toaster';
import { api, ApiError, type Preflight, type RunSettings, type Workflow } from '@/lib/api';
import { useResource } from '@/lib/use-resource';
import { UserName } from '@/components/user-name';
import type { UserSelection } from '../users/user-selection';
import { missingFieldPolicy } from '../workflows/missing-field-policy';
import type { PreflightState } from '../workflows/use-preflight';

export interface ExecuteButtonProps {
  workflow?: Workflow;
  selection: UserSelection;
  preflight: PreflightState;
  onStarted(runId: string): void;
}

/**
 * "Execute for Selected Users (N)": opens the run dialog, which starts one run of the workflow for
 * every selected user with the chosen concurrency (the server's default, at most its maximum). When
 * users lack fields the workflow refuses (`on_missing: error`), the run needs `force`, ticked there.
 */
export function ExecuteButton({ workflow, selection, preflight, onStarted }: ExecuteButtonProps) {
  const [open, setOpen] = useState(false);
  const count = selection.size;
  const disabledReason = !workflow ? 'Pick a workflow first' : count === 0 ? 'Select users in the table first' : undefined;

  return (
    <>
      <Button onClick={() => setOpen(true)} disabled={!!disabledReason} title={disabledReason} className="shadow-md">
        <Play aria-hidden />
        {`Execute for Selected Users (${count})`}
      </Button>
      <Dialog open={open && !!workflow} onOpenChange={setOpen}>
        <DialogContent aria-describedby="run-dialog-description">
          {open && workflow && (
            <RunForm
              workflow={workflow}
              selection={selection}
              preflight={preflight.preflight}
              onStarted={(runId) => {
                setOpen(false);
                onStarted(runId);
              }}
            />
          )}
        </DialogContent>
      </Dialog>
    </>
  );
}

function RunForm({
  workflow,
  selection,
  preflight,
  onStarted,
}: {
  workflow: Workflow;
  selection: UserSelection;
  preflight?: Preflight;
  onStarted(runId: string): void;
}) {
  const settings = useResource((signal) => api.runSettings(signal), []);
  // Empty: the server's default (shown as the placeholder once known).
  const [concurrency, setConcurrency] = useState('');
  const [force, setForce] = useState(false);
  const [starting, setStarting] = useState(false);
  const [serverRefusal, setServerRefusal] = useState<Preflight>();
  const [serverError, setServerError] = useState<string>();
  const errorToast = useErrorToast();
  const count = selection.size;

  const refuses = missingFieldPolicy(workflow.on_missing).kind === 'error';
  // The server's word (the run was refused) wins over the page's last preflight.
  const refusal = serverRefusal ?? (refuses && preflight && !preflight.ok ? preflight : undefined);
  const concurrencyError = serverError ?? concurrencyProblem(concurrency, settings.data);
  const blocked = (refusal !== undefined && !force) || concurrencyError !== undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (blocked) return;
    setStarting(true);
    try {
      const started = await api.startRun({
        workflowId: workflow.id,
        userIds: [...selection.keys()],
        ...(concurrency.trim() ? { concurrency: Number(concurrency) } : {}),
        ...(refusal && force ? { force: true } : {}),
      });
      onStarted(started.runId);
    } catch (error) {
      const details = error instanceof ApiError ? (error.details as Preflight | undefined) : undefined;
      if (error instanceof ApiError && error.status === 400 && details && Array.isArray(details.missing)) {
        setServerRefusal(details);
        setForce(false);
      } else if (error instanceof ApiError && error.status === 400 && /concurrency/.test(error.message)) {
        setServerError(error.fieldErrors.get('concurrency') ?? error.message);
      } else errorToast('The run did not start', error);
    } finally {
      setStarting(false);
    }
  };

  const max = settings.data?.maxConcurrency;
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-label="Run options" noValidate>
      <DialogHeader>
        <DialogTitle>Run {workflow.name}</DialogTitle>
        <DialogDescription id="run-dialog-description">
          One execution for each of the {count} selected {count === 1 ? 'user' : 'users'}, each as that user.
        </DialogDescription>
      </DialogHeader>

      <div className="flex flex-col gap-1.5">
        <Label htmlFor="run-concurrency">Concurrency</Label>
        <Input
          id="run-concurrency"
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          step={1}
          className="w-32"
          placeholder={settings.data ? String(settings.data.defaultConcurrency) : undefined}
          value={concurrency}
          aria-invalid={concurrencyError !== undefined}
          aria-describedby="run-concurrency-hint"
          onChange={(event) => {
            setConcurrency(event.target.value);
            setServerError(undefined);
          }}
        />
        <p id="run-concurrency-hint" className={concurrencyError ? 'text-sm text-destructive' : 'text-xs text-muted-foreground'}>
          {concurrencyError ??
            (settings.data
              ? `Executions at once. Empty: the server's default, ${settings.data.defaultConcurrency}; at most ${settings.data.maxConcurrency}.`
              : settings.error !== undefined
                ? "Executions at once. The server's limits could not be read; empty uses its default."
                : 'Executions at once.')}
        </p>
      </div>

      {refusal && (
        <div role="alert" aria-label="Some users lack fields" className="flex flex-col gap-2 rounded-lg border border-warning/60 bg-warning/10 p-3 text-sm">
          <p className="flex items-center gap-2 font-medium text-warning-strong">
            <TriangleAlert className="size-4" aria-hidden /> {refusal.missing.length} of the {count} selected users lack fields
          </p>
          <ul className="flex max-h-40 flex-col gap-1 overflow-y-auto">
            {refusal.missing.map((user) => (
              <li key={user.userId}>
                <span className="font-medium">
                  <UserName name={user.userName} />
                </span>
                : <span className="font-mono text-muted-foreground">{user.fields.join(', ')}</span>
              </li>
            ))}
          </ul>
          <div className="flex items-start gap-2">
            <Checkbox id="run-force" checked={force} onCheckedChange={(checked) => setForce(checked === true)} className="mt-0.5" />
            <Label htmlFor="run-force" className="font-normal leading-snug">
              Run anyway (<code className="font-mono">force</code>): their placeholders stay empty
            </Label>
          </div>
        </div>
      )}

      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" disabled={blocked || starting} title={refusal && !force ? 'Tick “Run anyway” or fix the users first' : undefined}>
          <Play aria-hidden /> {starting ? 'Starting…' : `Start run (${count})`}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** What is wrong with the concurrency typed, if anything (empty is the server's default). */
export function concurrencyProblem(text: string, settings: RunSettings | undefined): string | undefined {
  const value = text.trim();
  if (!value) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) return 'Concurrency must be a whole number of at least 1.';
  if (settings && number > settings.maxConcurrency) return `Concurrency must be at most ${settings.maxConcurrency} (the server's batch.max_concurrency).`;
  return undefined;
}
