import { Bot, CircleX, FileText, FunctionSquare, Repeat2, Sparkles } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import type { NodeResult, UserResult } from '@/lib/api';
import { cn } from '@/lib/cn';
import { formatDuration, formatTokens, resultText } from '@/lib/format';
import { EXECUTION_STATUS, ExecutionStatusIcon } from '../runs/run-status';
import { HighlightedText } from './highlighted-text';

const NODE_ICONS = { llm: Bot, function: FunctionSquare, template: FileText } as const;
/** The `_type` of the deterministic stand-in (libs/llm's EchoLlm): it answers with the prompt, it is not an LLM. */
const ECHO_TYPE = 'echo';

/** Whether any of the user's llm nodes was answered by the echo stand-in rather than a model. */
export function echoedNodes(user: UserResult): NodeResult[] {
  return user.nodes.filter((node) => node.llmType === ECHO_TYPE);
}

/** One user's results: every node's output card, then the final result, highlighted. */
export function UserResultView({ user, query, compact = false }: { user: UserResult; query?: string; compact?: boolean }) {
  return (
    <div className="flex flex-col gap-3">
      <UserSummary user={user} />
      {user.error && (
        <div role="alert" className="flex gap-2 rounded-lg border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          <CircleX className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span className="break-words">{user.error}</span>
        </div>
      )}
      {echoedNodes(user).length > 0 && <EchoNotice nodes={echoedNodes(user)} compact={compact} />}
      {!compact && user.nodes.map((node) => <NodeResultCard key={node.nodeId} node={node} query={query} />)}
      {compact && user.nodes.length > 1 && (
        <details className="text-sm">
          <summary className="cursor-pointer rounded text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
            {user.nodes.length} nodes
          </summary>
          <div className="mt-2 flex flex-col gap-2">
            {user.nodes.map((node) => (
              <NodeResultCard key={node.nodeId} node={node} query={query} />
            ))}
          </div>
        </details>
      )}
      {'final' in user && user.final !== undefined && <FinalResult user={user} query={query} />}
    </div>
  );
}

function UserSummary({ user }: { user: UserResult }) {
  const look = EXECUTION_STATUS[user.status];
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <Badge variant={look.variant}>
        <ExecutionStatusIcon status={user.status} className="size-3" />
        {look.label}
      </Badge>
      <span className="text-muted-foreground">{formatTokens(user.tokens)}</span>
      {user.durationMs !== undefined && <span className="text-muted-foreground">· {formatDuration(user.durationMs)}</span>}
      <span className="font-mono text-xs text-muted-foreground">· {user.userId}</span>
    </div>
  );
}

/** One node's output: which node, which model, structured or text, its tokens. */
export function NodeResultCard({ node, query }: { node: NodeResult; query?: string }) {
  const Icon = NODE_ICONS[node.type] ?? FileText;
  return (
    <article aria-label={`Node ${node.nodeId}`} className="rounded-lg border bg-background">
      <header className="flex flex-wrap items-center gap-2 border-b px-3 py-1.5 text-xs">
        <Icon className="size-3.5 text-muted-foreground" aria-hidden />
        <span className="font-medium">
          Node: {node.nodeId}
          {node.name && <span className="font-normal text-muted-foreground"> · {node.name}</span>}
        </span>
        <span className="ml-auto flex flex-wrap items-center gap-1.5">
          {node.llmType === ECHO_TYPE ? (
            <Badge variant="warning" title="The echo stand-in repeats the prompt; it is not an LLM">
              echo stand-in, not an LLM
            </Badge>
          ) : (
            node.model && <Badge variant="outline">{node.model}</Badge>
          )}
          <Badge variant={node.structured ? 'info' : 'muted'}>{node.structured ? 'Structured' : 'Text'}</Badge>
          <Badge variant="secondary" className="tabular-nums">
            {node.tokens}t
          </Badge>
          {node.durationMs !== undefined && <span className="text-muted-foreground tabular-nums">{formatDuration(node.durationMs)}</span>}
        </span>
      </header>
      <ResultBody value={node.content} query={query} />
    </article>
  );
}

/** Says that these outputs are the echo stand-in's repetition of the prompt, not a model's answer. */
function EchoNotice({ nodes, compact }: { nodes: NodeResult[]; compact: boolean }) {
  const which = nodes.map((node) => node.name ?? node.nodeId).join(', ');
  return (
    <p role="note" className="flex gap-2 rounded-lg border border-warning/50 bg-warning/10 px-3 py-2 text-sm text-warning-strong">
      <Repeat2 className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>
        {compact ? (
          <>From the echo stand-in, not an LLM.</>
        ) : (
          <>
            {nodes.length === 1 ? `Node ${which} was` : `Nodes ${which} were`} answered by the echo stand-in, not an LLM: it repeats the prompt, so
            every text field holds the prompt. Point the node's <code className="font-mono">llm</code> at a model to get real answers (README: “A local
            OpenAI-compatible server”).
          </>
        )}
      </span>
    </p>
  );
}

function FinalResult({ user, query }: { user: UserResult; query?: string }) {
  return (
    <section
      aria-label={`Final result for ${user.userName}`}
      className="rounded-lg border border-primary/30 bg-primary/[0.04] shadow-[0_0_0_3px] shadow-primary/10"
    >
      <h3 className="flex items-center gap-1.5 px-3 pt-2 text-sm font-semibold text-primary">
        <Sparkles className="size-4" aria-hidden /> Final Result for {user.userName}
      </h3>
      <ResultBody value={user.final} query={query} />
    </section>
  );
}

function ResultBody({ value, query, className }: { value: unknown; query?: string; className?: string }) {
  const text = resultText(value);
  return (
    <pre
      tabIndex={0}
      className={cn(
        'max-h-80 overflow-auto whitespace-pre-wrap break-words px-3 py-2 font-mono text-xs leading-relaxed',
        'focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring',
        typeof value === 'string' && 'font-sans text-sm',
        className,
      )}
    >
      <HighlightedText text={text} query={query} />
    </pre>
  );
}
