import { Plus, Workflow as WorkflowIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ErrorNotice } from '@/components/error-notice';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, CardTitle } from '@/components/ui/card';
import { Spinner } from '@/components/ui/spinner';
import type { Workflow } from '@/lib/api';
import { cn } from '@/lib/cn';
import type { Resource } from '@/lib/use-resource';

/** The batch workflows the server knows; one is picked to run. */
export function WorkflowPicker({
  workflows,
  selectedId,
  onSelect,
  onNew,
}: {
  workflows: Resource<Workflow[]>;
  selectedId?: string;
  onSelect(id: string): void;
  /** Opens the editor on a new workflow. */
  onNew?(): void;
}) {
  return (
    <Card aria-labelledby="workflows-title" className="flex flex-col">
      <CardHeader className="flex-row items-center justify-between">
        <CardTitle id="workflows-title">Workflows</CardTitle>
        <span className="flex items-center gap-2">
          {workflows.loading && <Spinner label="Loading workflows" />}
          {onNew && (
            <Button size="sm" variant="outline" onClick={onNew}>
              <Plus aria-hidden /> New
            </Button>
          )}
        </span>
      </CardHeader>
      <div className="p-2">
        {workflows.error !== undefined && !workflows.data && <ErrorNotice error={workflows.error} title="Could not load the workflows" onRetry={workflows.reload} />}
        {workflows.data?.length === 0 && (
          <p className="p-2 text-sm text-muted-foreground">
            No batch workflows. Build one with <strong>New</strong>, add <code>batch_workflows</code> to the config, or <code>POST /api/workflows</code>.
          </p>
        )}
        <ul className="flex flex-col gap-1" aria-label="Batch workflows">
          {workflows.data?.map((workflow) => {
            const selected = workflow.id === selectedId;
            return (
              <li key={workflow.id}>
                <button
                  type="button"
                  aria-pressed={selected}
                  onClick={() => onSelect(workflow.id)}
                  className={cn(
                    'flex w-full flex-col gap-1 rounded-lg px-3 py-2 text-left transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                    selected ? 'bg-primary/8 ring-1 ring-primary/30' : 'hover:bg-muted',
                  )}
                >
                  <span className="flex items-center gap-2 text-sm font-medium">
                    <WorkflowIcon className={cn('size-4 shrink-0', selected ? 'text-primary' : 'text-muted-foreground')} aria-hidden />
                    <span className="line-clamp-2">{workflow.name}</span>
                  </span>
                  <span className="flex flex-wrap items-center gap-1.5 pl-6 text-xs text-muted-foreground">
                    <span className="font-mono">{workflow.id}</span>·<span>{workflow.nodes.length} nodes</span>
                    {workflow.source === 'api' && <Badge variant="muted">API</Badge>}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </Card>
  );
}
