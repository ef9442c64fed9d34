import { Bot, Copy, FileText, FunctionSquare, Lock, Save, Trash2, X } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input, NativeSelect, Textarea } from '@/components/ui/input';
import { useToast } from '@/components/ui/toaster';
import { api, type ApiError, type NodeType, type Workflow, type WorkflowCatalog, type WorkflowNode } from '@/lib/api';
import type { Resource } from '@/lib/use-resource';
import { clearDraft, loadDraft, storeDraft } from './draft-storage';
import { FieldErrors } from './field-errors';
import { NodeEditor, nodeLabel } from './node-editor';
import { draftErrorsOf, errorCount, NO_ERRORS, type DraftErrors } from './server-errors';
import { scopeAt } from './template-completion';
import { TestRunPanel } from './test-run-panel';
import { blankNode, bodyOf, isWorkflowId, moveNode, type Draft } from './workflow-draft';

export interface WorkflowEditorProps {
  /** The saved workflow being edited (or viewed, when it is defined in the config); undefined for a new one. */
  original?: Workflow;
  /** What the editor starts from when no unsaved draft is kept: the original's body, a new or a duplicated workflow. */
  initial: Draft;
  catalog: Resource<WorkflowCatalog>;
  /** Whether a kept unsaved draft of the same workflow is restored (not for a fresh duplicate). */
  restore?: boolean;
  onClose(): void;
  onSaved(workflow: Workflow): void;
  onDeleted(id: string): void;
  /** "Duplicate to edit": a copy of what is shown, as a new workflow. */
  onDuplicate(draft: Draft): void;
}

type MissingKind = 'error' | 'empty' | 'default';

/**
 * Builds and edits a batch workflow: its nodes (added, reordered by drag or arrow keys, removed),
 * each node's fields with template completion, structured output, `on_missing` and `result_node`.
 * Unsaved changes are kept in this browser and restored; leaving asks first. A config-defined
 * workflow opens read-only, with "Duplicate to edit".
 */
export function WorkflowEditor({ original, initial, catalog, restore = true, onClose, onSaved, onDeleted, onDuplicate }: WorkflowEditorProps) {
  const readOnly = original?.source === 'config';
  const toast = useToast();
  const baseline = useMemo(() => JSON.stringify(bodyOf(initial)), [initial]);
  const [restored] = useState(() => (readOnly || !restore ? undefined : loadDraft(original?.id)));
  const [draft, setDraft] = useState<Draft>(() => restored?.draft ?? structuredClone(initial));
  const [errors, setErrors] = useState<DraftErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const [confirm, setConfirm] = useState<'leave' | 'delete'>();
  const [announcement, setAnnouncement] = useState('');
  const [draggingFrom, setDraggingFrom] = useState<number>();
  // A key per node that follows it when it moves, so each node's own state (its schema tabs) moves with it.
  const nextKey = useRef(0);
  const newKey = () => `n${nextKey.current++}`;
  const [keys, setKeys] = useState<string[]>(() => draft.nodes.map(newKey));
  const handlePrefix = useId();
  const body = useMemo(() => bodyOf(draft), [draft]);
  const dirty = !readOnly && JSON.stringify(body) !== baseline;
  const userFields = catalog.data?.userFields ?? [];

  // Unsaved changes survive a reload, a closed tab, or editing something else for a while.
  useEffect(() => {
    if (readOnly) return;
    if (dirty) storeDraft(original?.id, draft);
    else clearDraft();
  }, [draft, dirty, original?.id, readOnly]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const update = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const setNode = (index: number, node: WorkflowNode) => setDraft((current) => ({ ...current, nodes: current.nodes.map((n, i) => (i === index ? node : n)) }));
  const reset = () => {
    const fresh = structuredClone(initial);
    setDraft(fresh);
    setKeys(fresh.nodes.map(newKey));
  };
  const addNode = (type: NodeType) => {
    setKeys((current) => [...current, newKey()]);
    setDraft((current) => ({ ...current, nodes: [...current.nodes, blankNode(type, current.nodes, catalog.data?.llms[0]?.name, catalog.data?.functions[0]?.name)] }));
  };
  const removeNode = (index: number) => {
    setKeys((current) => current.filter((_, i) => i !== index));
    setDraft((current) => {
      const removed = current.nodes[index];
      return { ...current, nodes: current.nodes.filter((_, i) => i !== index), ...(current.result_node === removed.id ? { result_node: undefined } : {}) };
    });
  };
  const move = (from: number, to: number) => {
    const node = draft.nodes[from];
    const key = keys[from];
    setKeys((current) => moveNode(current, from, to));
    setDraft((current) => ({ ...current, nodes: moveNode(current.nodes, from, to) }));
    // The server's messages name nodes by position: after a move they no longer point at the right one.
    setErrors((current) => ({ ...current, nodes: {} }));
    setAnnouncement(`Moved ${nodeLabel(node)} to position ${to + 1} of ${draft.nodes.length}.`);
    // The moved node's handle keeps the focus, so the arrow keys can go on moving it.
    requestAnimationFrame(() => document.getElementById(`${handlePrefix}-${key}`)?.focus());
  };

  const save = async () => {
    setSaving(true);
    try {
      const saved = original ? await api.replaceWorkflow(original.id, body) : await api.createWorkflow(body);
      clearDraft();
      setErrors(NO_ERRORS);
      toast({ title: `Saved “${saved.name}”`, variant: 'success' });
      onSaved(saved);
    } catch (error) {
      setErrors(draftErrorsOf(error));
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    setConfirm(undefined);
    try {
      await api.deleteWorkflow(original!.id);
      clearDraft();
      toast({ title: `Deleted “${original!.name}”` });
      onDeleted(original!.id);
    } catch (error) {
      setErrors(draftErrorsOf(error));
    }
  };
  const close = () => (dirty ? setConfirm('leave') : onClose());

  const missingKind: MissingKind = draft.on_missing === 'empty' ? 'empty' : draft.on_missing?.startsWith('default:') ? 'default' : 'error';
  const problems = errorCount(errors);
  const idInvalid = !original && !isWorkflowId(draft.id);

  return (
    <Card aria-labelledby="editor-title" className="flex min-w-0 flex-col">
      <header className="flex flex-wrap items-center gap-2 border-b px-4 py-3">
        <h2 id="editor-title" className="text-base font-semibold">
          {readOnly ? 'Workflow (read-only)' : original ? `Edit “${original.name}”` : 'New workflow'}
        </h2>
        {dirty && <span className="text-xs text-muted-foreground">Unsaved changes (kept in this browser)</span>}
        <div className="ml-auto flex flex-wrap gap-2">
          {readOnly ? (
            <Button size="sm" onClick={() => onDuplicate(draft)}>
              <Copy aria-hidden /> Duplicate to edit
            </Button>
          ) : (
            <>
              {original && (
                <Button size="sm" variant="outline" onClick={() => onDuplicate(draft)}>
                  <Copy aria-hidden /> Duplicate
                </Button>
              )}
              {original && (
                <Button size="sm" variant="outline" onClick={() => setConfirm('delete')}>
                  <Trash2 aria-hidden /> Delete
                </Button>
              )}
              <Button size="sm" onClick={save} disabled={saving || idInvalid}>
                <Save aria-hidden /> {saving ? 'Saving…' : 'Save'}
              </Button>
            </>
          )}
          <Button size="sm" variant="ghost" onClick={close}>
            <X aria-hidden /> Close
          </Button>
        </div>
      </header>

      <div className="flex flex-col gap-4 p-4">
        {readOnly && (
          <Alert variant="info">
            <Lock aria-hidden />
            <div>
              <AlertTitle>Defined in the config file</AlertTitle>
              <AlertDescription>Change it there, or duplicate it to edit a copy here.</AlertDescription>
            </div>
          </Alert>
        )}
        {catalog.error !== undefined && !catalog.data && (
          <ErrorNotice error={catalog.error} title="Could not load the LLMs, functions and user fields (GET /api/catalog)" onRetry={catalog.reload} />
        )}
        {restored && dirty && (
          <Alert variant="info">
            <div className="flex flex-1 flex-wrap items-center gap-2">
              <span>Restored your unsaved changes from {new Date(restored.savedAt).toLocaleString()}.</span>
              <Button size="sm" variant="outline" onClick={reset}>
                Discard them
              </Button>
            </div>
          </Alert>
        )}
        {problems > 0 && (
          <Alert variant="destructive" role="alert">
            <div>
              <AlertTitle>{problems === 1 ? 'The server found 1 problem' : `The server found ${problems} problems`}</AlertTitle>
              <AlertDescription>Each is shown at its field below.{errors.general.length > 0 && ` ${errors.general.join(' ')}`}</AlertDescription>
            </div>
          </Alert>
        )}

        <fieldset disabled={readOnly} className="grid gap-3 sm:grid-cols-2">
          <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
            Name
            <Input value={draft.name} onChange={(event) => update({ name: event.target.value })} aria-invalid={errors.workflow.name ? true : undefined} />
            <FieldErrors errors={errors.workflow.name} />
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
            Id
            <Input
              value={draft.id}
              readOnly={!!original}
              onChange={(event) => update({ id: event.target.value })}
              aria-invalid={idInvalid || errors.workflow.id ? true : undefined}
              className="font-mono text-xs"
            />
            {idInvalid && <span className="text-destructive">1–64 letters, digits, - _ or .</span>}
            <FieldErrors errors={errors.workflow.id} />
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground sm:col-span-2">
            Description
            <Textarea rows={2} value={draft.description ?? ''} onChange={(event) => update({ description: event.target.value || undefined })} className="font-sans text-sm" />
          </label>
          <div className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
            <label htmlFor={`${handlePrefix}-missing`}>When a user lacks a field (on_missing)</label>
            <NativeSelect
              id={`${handlePrefix}-missing`}
              value={missingKind}
              onChange={(event) => {
                const kind = event.target.value as MissingKind;
                update({ on_missing: kind === 'default' ? 'default:' : kind });
              }}
            >
              <option value="error">Stop the run (error)</option>
              <option value="empty">Leave it empty</option>
              <option value="default">Insert a default text</option>
            </NativeSelect>
            {missingKind === 'default' && (
              <Input aria-label="Default text" value={draft.on_missing.slice('default:'.length)} onChange={(event) => update({ on_missing: `default:${event.target.value}` })} />
            )}
            <FieldErrors errors={errors.workflow.on_missing} />
          </div>
          <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
            Final result (result_node)
            <NativeSelect value={draft.result_node ?? ''} onChange={(event) => update({ result_node: event.target.value || undefined })}>
              <option value="">The last node (default)</option>
              {draft.nodes.map((node, index) => (
                <option key={`${node.id}-${index}`} value={node.id}>
                  {index + 1}. {nodeLabel(node)}
                </option>
              ))}
            </NativeSelect>
            <FieldErrors errors={errors.workflow.result_node} />
          </label>
        </fieldset>

        <p id="node-move-help" className="sr-only">
          Drag to reorder, or press the arrow keys (Home, End) to move the node.
        </p>
        <div aria-live="polite" className="sr-only">
          {announcement}
        </div>
        <FieldErrors errors={errors.workflow.nodes} />
        <ol className="flex flex-col gap-3" aria-label="Nodes">
          {draft.nodes.map((node, index) => (
            <NodeEditor
              key={keys[index]}
              node={node}
              index={index}
              count={draft.nodes.length}
              onChange={(next) => setNode(index, next)}
              onRemove={() => removeNode(index)}
              onMove={(to) => move(index, to)}
              catalog={catalog.data}
              scope={scopeAt(draft.nodes, index, userFields)}
              errors={errors.nodes[index] ?? {}}
              readOnly={readOnly}
              handleId={`${handlePrefix}-${keys[index]}`}
              dragging={{ from: draggingFrom, start: setDraggingFrom, dropAt: (to) => draggingFrom !== undefined && move(draggingFrom, to), end: () => setDraggingFrom(undefined) }}
            />
          ))}
        </ol>
        {!readOnly && (
          <div className="flex flex-wrap gap-2" role="group" aria-label="Add a node">
            <Button size="sm" variant="outline" onClick={() => addNode('llm')}>
              <Bot aria-hidden /> Add LLM node
            </Button>
            <Button size="sm" variant="outline" onClick={() => addNode('function')}>
              <FunctionSquare aria-hidden /> Add function node
            </Button>
            <Button size="sm" variant="outline" onClick={() => addNode('template')}>
              <FileText aria-hidden /> Add template node
            </Button>
          </div>
        )}

        <TestRunPanel
          body={body}
          catalog={catalog.data}
          onInvalid={(error: ApiError) => setErrors(draftErrorsOf(error))}
          onAccepted={() => setErrors(NO_ERRORS)}
        />
      </div>

      <Dialog open={confirm !== undefined} onOpenChange={(open) => !open && setConfirm(undefined)}>
        <DialogContent>
          {confirm === 'leave' ? (
            <>
              <DialogHeader>
                <DialogTitle>Leave with unsaved changes?</DialogTitle>
                <DialogDescription>Your changes are kept in this browser and come back when you edit this workflow again.</DialogDescription>
              </DialogHeader>
              <DialogFooter>
                <Button variant="outline" onClick={() => setConfirm(undefined)}>
                  Keep editing
                </Button>
                <Button
                  variant="destructive"
                  onClick={() => {
                    clearDraft();
                    onClose();
                  }}
                >
                  Discard changes
                </Button>
                <Button onClick={onClose}>Keep draft and close</Button>
              </DialogFooter>
            </>
          ) : (
            <>
              <DialogHeader>
                <DialogTitle>Delete “{original?.name}”?</DialogTitle>
                <DialogDescription>The workflow is removed from the server.</DialogDescription>
              </DialogHeader>
              <DialogFooter>
                <Button variant="outline" onClick={() => setConfirm(undefined)}>
                  Cancel
                </Button>
                <Button variant="destructive" onClick={remove}>
                  Delete
                </Button>
              </DialogFooter>
            </>
          )}
        </DialogContent>
      </Dialog>
    </Card>
  );
}
