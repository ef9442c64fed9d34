import { Bot, FileText, FunctionSquare, GripVertical, Trash2 } from 'lucide-react';
import type { DragEvent, KeyboardEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input, NativeSelect } from '@/components/ui/input';
import type { WorkflowCatalog, WorkflowNode } from '@/lib/api';
import { cn } from '@/lib/cn';
import { FieldErrors } from './field-errors';
import { FunctionInputForm } from './function-input-form';
import { SchemaBuilder } from './schema-builder';
import type { TemplateScope } from './template-completion';
import { TemplateEditor } from './template-editor';

const NODE_ICONS = { llm: Bot, function: FunctionSquare, template: FileText } as const;
const NODE_TYPE_LABELS = { llm: 'LLM', function: 'Function', template: 'Template' } as const;

/** How a node is named to people: its name, else "Node <id>". */
export function nodeLabel(node: WorkflowNode): string {
  return node.name || `Node ${node.id}`;
}

export interface NodeEditorProps {
  node: WorkflowNode;
  index: number;
  count: number;
  onChange(node: WorkflowNode): void;
  onRemove(): void;
  /** Moves the node to position `to` (0-based); by the handle's arrow keys or a drop. */
  onMove(to: number): void;
  catalog: WorkflowCatalog | undefined;
  scope: TemplateScope;
  /** The server's messages for this node, by its key (`''`: the node itself). */
  errors: Record<string, string[]>;
  readOnly?: boolean;
  handleId: string;
  /** The drag in progress: which node is dragged, and dropping it at a position. */
  dragging: { from: number | undefined; start(index: number): void; dropAt(to: number): void; end(): void };
}

/** One node of the editor: its fields by type, the server's messages at each, a handle to reorder it. */
export function NodeEditor({ node, index, count, onChange, onRemove, onMove, catalog, scope, errors, readOnly, handleId, dragging }: NodeEditorProps) {
  const Icon = NODE_ICONS[node.type];
  const set = (change: Partial<WorkflowNode>) => onChange({ ...node, ...change });
  const label = nodeLabel(node);
  const nodeErrors = Object.values(errors).flat().length;

  const onHandleKey = (event: KeyboardEvent) => {
    const to = event.key === 'ArrowUp' ? index - 1 : event.key === 'ArrowDown' ? index + 1 : event.key === 'Home' ? 0 : event.key === 'End' ? count - 1 : undefined;
    if (to === undefined) return;
    event.preventDefault();
    if (to >= 0 && to < count && to !== index) onMove(to);
  };
  const dropProps = readOnly
    ? {}
    : {
        onDragOver: (event: DragEvent) => dragging.from !== undefined && event.preventDefault(),
        onDrop: (event: DragEvent) => {
          event.preventDefault();
          if (dragging.from !== undefined && dragging.from !== index) dragging.dropAt(index);
          dragging.end();
        },
      };
  const inputErrors = Object.fromEntries(Object.entries(errors).filter(([key]) => key.startsWith('input')).map(([key, list]) => [key.slice('input'.length), list]));

  return (
    <li {...dropProps} className={cn('rounded-lg border bg-background', dragging.from === index && 'opacity-50', nodeErrors > 0 && 'border-destructive/60')}>
      <article aria-label={`Node ${index + 1}: ${label}`} className="flex flex-col gap-3 p-3">
        <header className="flex flex-wrap items-center gap-2">
          {!readOnly && (
            <button
              type="button"
              id={handleId}
              draggable
              onDragStart={(event) => {
                event.dataTransfer.effectAllowed = 'move';
                event.dataTransfer.setData('text/plain', node.id);
                dragging.start(index);
              }}
              onDragEnd={dragging.end}
              onKeyDown={onHandleKey}
              aria-label={`Move ${label}, position ${index + 1} of ${count}`}
              aria-describedby="node-move-help"
              className="cursor-grab rounded p-1 text-muted-foreground hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              <GripVertical className="size-4" aria-hidden />
            </button>
          )}
          <span className="flex size-6 items-center justify-center rounded-full bg-primary/10 text-xs font-semibold text-primary" aria-hidden>
            {index + 1}
          </span>
          <Icon className="size-4 text-muted-foreground" aria-hidden />
          <Badge variant="secondary">{NODE_TYPE_LABELS[node.type]}</Badge>
          <Input aria-label={`Node ${index + 1} name`} placeholder="Name (optional)" value={node.name ?? ''} readOnly={readOnly} onChange={(event) => set({ name: event.target.value || undefined })} className="h-8 max-w-48 flex-1" />
          <label className="flex items-center gap-1 text-xs text-muted-foreground">
            id
            <Input
              aria-label={`Node ${index + 1} id`}
              value={node.id}
              readOnly={readOnly}
              onChange={(event) => set({ id: event.target.value })}
              aria-invalid={errors.id ? true : undefined}
              className="h-8 w-20 font-mono text-xs"
            />
          </label>
          {nodeErrors > 0 && <Badge variant="destructive">{nodeErrors === 1 ? '1 problem' : `${nodeErrors} problems`}</Badge>}
          {!readOnly && (
            <Button size="icon-sm" variant="ghost" className="ml-auto" aria-label={`Remove ${label}`} onClick={onRemove} disabled={count === 1}>
              <Trash2 aria-hidden />
            </Button>
          )}
        </header>
        <FieldErrors errors={[...(errors[''] ?? []), ...(errors.id ?? []), ...(errors.type ?? []), ...(errors.name ?? [])]} />

        {node.type === 'llm' && (
          <>
            <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
              LLM
              <NativeSelect value={node.llm ?? ''} disabled={readOnly} onChange={(event) => set({ llm: event.target.value })} aria-invalid={errors.llm ? true : undefined}>
                <option value="">Choose an LLM…</option>
                {catalog?.llms.map((llm) => (
                  <option key={llm.name} value={llm.name}>
                    {llm.name}
                    {llm.type === 'echo' ? ' — echo stand-in, answers with the prompt (not an LLM)' : llm.model ? ` — ${llm.model}` : ''}
                  </option>
                ))}
                {node.llm && catalog && !catalog.llms.some((llm) => llm.name === node.llm) && <option value={node.llm}>{node.llm} (not configured)</option>}
              </NativeSelect>
            </label>
            <FieldErrors errors={errors.llm} />
            <TemplateEditor label="System" value={node.system ?? ''} onChange={(system) => set({ system })} scope={scope} rows={2} readOnly={readOnly} errors={errors.system} />
            <TemplateEditor label="Prompt" value={node.prompt ?? ''} onChange={(prompt) => set({ prompt })} scope={scope} rows={5} readOnly={readOnly} errors={errors.prompt} />
            <SchemaBuilder schema={node.output_schema} onChange={(output_schema) => set({ output_schema })} readOnly={readOnly} errors={errors.output_schema} />
          </>
        )}

        {node.type === 'function' && (
          <>
            <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
              Function
              <NativeSelect value={node.function ?? ''} disabled={readOnly} onChange={(event) => set({ function: event.target.value })} aria-invalid={errors.function ? true : undefined}>
                <option value="">Choose a function…</option>
                {catalog?.functions.map((fn) => (
                  <option key={fn.name} value={fn.name}>
                    {fn.name}
                    {fn.description ? ` — ${fn.description}` : ''}
                  </option>
                ))}
                {node.function && catalog && !catalog.functions.some((fn) => fn.name === node.function) && <option value={node.function}>{node.function} (not listed)</option>}
              </NativeSelect>
            </label>
            <FieldErrors errors={errors.function} />
            <FunctionInputForm
              key={node.function}
              fn={catalog?.functions.find((fn) => fn.name === node.function)}
              input={node.input}
              onChange={(input) => set({ input })}
              scope={scope}
              errors={inputErrors}
              readOnly={readOnly}
            />
          </>
        )}

        {node.type === 'template' && (
          <TemplateEditor label="Template" value={node.template ?? ''} onChange={(template) => set({ template })} scope={scope} rows={3} readOnly={readOnly} errors={errors.template} />
        )}
      </article>
    </li>
  );
}
