import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Card } from '@/components/ui/card';
import { api, type Run } from '@/lib/api';
import { useResource } from '@/lib/use-resource';
import { duplicateTarget, editTarget, newTarget, type EditorTarget } from './editor/editor-target';
import { WorkflowActions } from './editor/workflow-actions';
import { WorkflowEditor } from './editor/workflow-editor';
import { draftOf } from './editor/workflow-draft';
import { ResultsDialog } from './results/results-dialog';
import { ExecuteButton } from './runs/execute-button';
import { RunHistory } from './runs/run-history';
import { RunProgress } from './runs/run-progress';
import { UsersPanel } from './users/users-panel';
import type { UserSelection } from './users/user-selection';
import { usePreflight } from './workflows/use-preflight';
import { WorkflowDetail } from './workflows/workflow-detail';
import { WorkflowPicker } from './workflows/workflow-picker';

const WORKFLOW_KEY = 'userscope.workflowId';

/**
 * The multi-user execution page: pick a workflow, select users, execute for all of them, follow the
 * run live and read, compare and export the results.
 */
export function Workspace() {
  const workflows = useResource((signal) => api.listWorkflows(signal), []);
  const catalog = useResource((signal) => api.catalog(signal), []);
  const [editing, setEditing] = useState<EditorTarget>();
  const [workflowId, setWorkflowId] = useState<string | undefined>(() => localStorage.getItem(WORKFLOW_KEY) ?? undefined);
  const [selection, setSelection] = useState<UserSelection>(new Map());
  const [activeRunId, setActiveRunId] = useState<string>();
  const [resultsRunId, setResultsRunId] = useState<string>();
  const [runsVersion, setRunsVersion] = useState(0);
  const [usersVersion, setUsersVersion] = useState(0);
  const [resultsVersion, setResultsVersion] = useState(0);
  /** The run started from this page, whose results open by themselves when it ends. */
  const openWhenDone = useRef<string | undefined>(undefined);

  const workflow = workflows.data?.find((candidate) => candidate.id === workflowId) ?? workflows.data?.[0];
  useEffect(() => {
    if (workflow) localStorage.setItem(WORKFLOW_KEY, workflow.id);
  }, [workflow]);

  const userIds = useMemo(() => [...selection.keys()], [selection]);
  const preflight = usePreflight(workflow?.id, userIds, usersVersion);
  const missingFields = useMemo(
    () => new Map(preflight.preflight?.missing.map((user) => [user.userId, user.fields]) ?? []),
    [preflight.preflight],
  );

  const onStarted = (runId: string) => {
    openWhenDone.current = runId;
    setActiveRunId(runId);
    setRunsVersion((value) => value + 1);
  };

  const onEnded = useCallback((run: Run) => {
    setResultsVersion((value) => value + 1);
    if (openWhenDone.current === run.id) {
      openWhenDone.current = undefined;
      setResultsRunId(run.id);
    }
  }, []);

  const openResults = (runId: string) => {
    setResultsRunId(runId);
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <main className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto grid w-full max-w-[100rem] gap-4 p-3 sm:p-4 lg:grid-cols-[15rem_minmax(0,1fr)_20rem]">
          <div className="lg:sticky lg:top-0 lg:self-start">
            <WorkflowPicker
              workflows={workflows}
              selectedId={editing ? undefined : workflow?.id}
              onSelect={(id) => {
                setEditing(undefined);
                setWorkflowId(id);
              }}
              onNew={() => {
                catalog.reload();
                setEditing(newTarget(workflows.data ?? [], catalog.data?.llms[0]?.name));
              }}
            />
          </div>
          <div className="min-w-0">
            {editing ? (
              <WorkflowEditor
                key={editing.key}
                original={editing.original}
                initial={editing.initial}
                restore={editing.restore}
                catalog={catalog}
                onClose={() => setEditing(undefined)}
                onSaved={(saved) => {
                  workflows.reload();
                  setWorkflowId(saved.id);
                  setEditing(undefined);
                }}
                onDeleted={() => {
                  workflows.reload();
                  setWorkflowId(undefined);
                  setEditing(undefined);
                }}
                onDuplicate={(draft) => setEditing(duplicateTarget(draft, workflows.data ?? []))}
              />
            ) : workflow ? (
              <>
                <WorkflowActions
                  workflow={workflow}
                  onEdit={() => {
                    catalog.reload();
                    setEditing(editTarget(workflow));
                  }}
                  onDuplicate={() => {
                    catalog.reload();
                    setEditing(duplicateTarget(draftOf(workflow), workflows.data ?? []));
                  }}
                />
                <WorkflowDetail workflow={workflow} preflight={preflight} selected={selection.size} />
              </>
            ) : (
              <Card className="p-6 text-sm text-muted-foreground">{workflows.loading ? 'Loading workflows…' : 'Pick a workflow to see its nodes.'}</Card>
            )}
          </div>
          <aside className="flex min-w-0 flex-col gap-4" aria-label="Runs">
            {activeRunId && (
              <RunProgress
                key={activeRunId}
                runId={activeRunId}
                onOpenResults={openResults}
                onEnded={onEnded}
                onChanged={() => setRunsVersion((value) => value + 1)}
              />
            )}
            <RunHistory
              refreshKey={runsVersion}
              activeRunId={activeRunId}
              onOpen={(runId) => {
                setActiveRunId(runId);
                openResults(runId);
              }}
            />
          </aside>
        </div>
      </main>
      <UsersPanel
        selection={selection}
        onSelectionChange={setSelection}
        missingFields={missingFields}
        refreshKey={usersVersion}
        onChanged={() => setUsersVersion((value) => value + 1)}
        actions={<ExecuteButton workflow={workflow} selection={selection} preflight={preflight} onStarted={onStarted} />}
      />
      <ResultsDialog runId={resultsRunId} refreshKey={resultsVersion} onClose={() => setResultsRunId(undefined)} />
    </div>
  );
}
