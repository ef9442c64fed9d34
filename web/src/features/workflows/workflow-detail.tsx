import { Bot, Braces, FileText, FunctionSquare } from 'lucide-react';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import type { Workflow, WorkflowNode } from '@/lib/api';
import { missingFieldPolicy } from './missing-field-policy';
import { PreflightNotice } from './preflight-notice';
import { TemplateText } from './template-text';
import type { PreflightState } from './use-preflight';

const NODE_ICONS = { llm: Bot, function: FunctionSquare, template: FileText } as const;
const NODE_TYPE_LABELS = { llm: 'LLM', function: 'Function', template: 'Template' } as const;

/** A workflow's nodes, prompts with their `{{user:…}}` fields highlighted, and the preflight of the selection. */
export function WorkflowDetail({ workflow, preflight, selected }: { workflow: Workflow; preflight: PreflightState; selected: number }) {
  const policy = missingFieldPolicy(workflow.on_missing);
  const missing = new Set(preflight.preflight?.missing.flatMap((user) => user.fields) ?? []);
  // The results and the export take the final result from `result_node`; the last node only without one.
  const resultId = workflow.result_node ?? workflow.nodes.at(-1)?.id;
  return (
    <Card aria-labelledby="workflow-title" className="flex min-w-0 flex-col">
      <header className="flex flex-col gap-2 border-b px-4 py-3">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="workflow-title" className="text-base font-semibold">
            {workflow.name}
          </h2>
          <Badge variant="outline" className="font-mono">
            {workflow.id}
          </Badge>
          <Badge variant={policy.kind === 'error' ? 'warning' : 'muted'} title={`on_missing: ${workflow.on_missing ?? 'error'}`}>
            {policy.label}
          </Badge>
        </div>
        {workflow.description && <p className="text-sm text-muted-foreground">{workflow.description}</p>}
        {workflow.fields.length > 0 && (
          <div className="flex flex-wrap items-center gap-1.5 text-xs text-muted-foreground">
            <span>User fields used:</span>
            {workflow.fields.map((field) => (
              <mark
                key={field}
                className={
                  missing.has(field)
                    ? 'rounded bg-warning/25 px-1.5 py-0.5 font-mono text-warning-strong ring-1 ring-warning/60'
                    : 'rounded bg-highlight px-1.5 py-0.5 font-mono text-highlight-foreground'
                }
              >
                {field}
              </mark>
            ))}
          </div>
        )}
      </header>
      <div className="flex flex-col gap-3 p-4">
        <PreflightNotice state={preflight} selected={selected} policy={policy} />
        <ol className="flex flex-col gap-3" aria-label="Nodes">
          {workflow.nodes.map((node, index) => (
            <NodeCard key={node.id} node={node} index={index} last={index === workflow.nodes.length - 1} final={node.id === resultId} missing={missing} />
          ))}
        </ol>
      </div>
    </Card>
  );
}

function NodeCard({
  node,
  index,
  last,
  final,
  missing,
}: {
  node: WorkflowNode;
  index: number;
  last: boolean;
  final: boolean;
  missing: ReadonlySet<string>;
}) {
  const Icon = NODE_ICONS[node.type] ?? Braces;
  return (
    <li className="relative flex gap-3">
      <div className="flex flex-col items-center">
        <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-primary/10 text-xs font-semibold text-primary" aria-hidden>
          {index + 1}
        </span>
        {!last && <span className="mt-1 w-px flex-1 bg-border" aria-hidden />}
      </div>
      <article aria-label={`Node ${node.id}${node.name ? `: ${node.name}` : ''}`} className="min-w-0 flex-1 rounded-lg border bg-background p-3">
        <header className="mb-2 flex flex-wrap items-center gap-2">
          <Icon className="size-4 text-muted-foreground" aria-hidden />
          <span className="text-sm font-medium">{node.name ?? `Node ${node.id}`}</span>
          <Badge variant="secondary">{NODE_TYPE_LABELS[node.type] ?? node.type}</Badge>
          <span className="font-mono text-xs text-muted-foreground">id {node.id}</span>
          {node.llm && <Badge variant="outline">model: {node.llm}</Badge>}
          {node.function && <Badge variant="outline">function: {node.function}</Badge>}
          {final && <Badge variant="info">final result</Badge>}
        </header>
        <div className="flex flex-col gap-2 text-sm">
          {node.system && (
            <Field label="System">
              <TemplateText template={node.system} missingFields={missing} className="text-muted-foreground" />
            </Field>
          )}
          {node.prompt && (
            <Field label="Prompt">
              <TemplateText template={node.prompt} missingFields={missing} />
            </Field>
          )}
          {node.template && (
            <Field label="Template">
              <TemplateText template={node.template} missingFields={missing} />
            </Field>
          )}
          {node.input !== undefined && (
            <Field label="Input">
              <TemplateText template={JSON.stringify(node.input, null, 2)} missingFields={missing} className="font-mono text-xs" />
            </Field>
          )}
          {node.output_schema !== undefined && (
            <details className="text-xs">
              <summary className="cursor-pointer rounded text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
                Structured output schema
              </summary>
              <pre className="mt-1 max-h-48 overflow-auto rounded-md bg-muted p-2">{JSON.stringify(node.output_schema, null, 2)}</pre>
            </details>
          )}
        </div>
      </article>
    </li>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <div className="mb-0.5 text-[0.7rem] font-medium uppercase tracking-wide text-muted-foreground">{label}</div>
      <div className="rounded-md bg-muted/60 px-2.5 py-2 leading-relaxed">{children}</div>
    </div>
  );
}
