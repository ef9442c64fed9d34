import { Play, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { useErrorToast } from '@/components/ui/toaster';
import { api, ApiError, type Preflight, type Workflow } from '@/lib/api';
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
 * "Execute for Selected Users (N)": starts one run of the workflow for every selected user. When
 * users lack fields the workflow refuses (`on_missing: error`), it asks before forcing the run.
 */
export function ExecuteButton({ workflow, selection, preflight, onStarted }: ExecuteButtonProps) {
  const [starting, setStarting] = useState(false);
  const [refusal, setRefusal] = useState<Preflight>();
  const errorToast = useErrorToast();
  const count = selection.size;

  const start = async (force = false) => {
    if (!workflow) return;
    setStarting(true);
    try {
      const started = await api.startRun({ workflowId: workflow.id, userIds: [...selection.keys()], ...(force ? { force: true } : {}) });
      setRefusal(undefined);
      onStarted(started.runId);
    } catch (error) {
      const details = error instanceof ApiError ? (error.details as Preflight | undefined) : undefined;
      if (error instanceof ApiError && error.status === 400 && details?.missing) setRefusal(details);
      else errorToast('The run did not start', error);
    } finally {
      setStarting(false);
    }
  };

  const onClick = () => {
    const known = preflight.preflight;
    if (workflow && known && !known.ok && missingFieldPolicy(workflow.on_missing).kind === 'error') setRefusal(known);
    else void start();
  };

  const disabledReason = !workflow ? 'Pick a workflow first' : count === 0 ? 'Select users in the table first' : undefined;

  return (
    <>
      <Button onClick={onClick} disabled={!!disabledReason || starting} title={disabledReason} className="shadow-md">
        <Play aria-hidden />
        {starting ? 'Starting…' : `Execute for Selected Users (${count})`}
      </Button>
      <Dialog open={refusal !== undefined} onOpenChange={(open) => !open && setRefusal(undefined)}>
        <DialogContent role="alertdialog">
          <DialogHeader>
            <DialogTitle className="flex items-center gap-2">
              <TriangleAlert className="size-5 text-warning-strong" aria-hidden /> Some users lack fields
            </DialogTitle>
            <DialogDescription>
              {workflow?.name} needs fields that {refusal?.missing.length} of the {count} selected users do not have. Run anyway and their placeholders
              stay empty, or fix the users first.
            </DialogDescription>
          </DialogHeader>
          <ul className="flex max-h-60 flex-col gap-1 overflow-y-auto text-sm">
            {refusal?.missing.map((user) => (
              <li key={user.userId}>
                <span className="font-medium">{user.userName}</span>: <span className="font-mono text-muted-foreground">{user.fields.join(', ')}</span>
              </li>
            ))}
          </ul>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Go back</Button>
            </DialogClose>
            <Button onClick={() => void start(true)} disabled={starting}>
              Run anyway
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}
