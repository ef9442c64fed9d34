import { FlaskConical } from 'lucide-react';
import { useState } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input, NativeSelect } from '@/components/ui/input';
import { Spinner } from '@/components/ui/spinner';
import { api, ApiError, type TestedNode, type WorkflowCatalog, type WorkflowTestReply } from '@/lib/api';
import { useDebounced, useResource } from '@/lib/use-resource';
import type { Draft } from './workflow-draft';

export interface TestRunPanelProps {
  /** The draft as it would be sent. */
  body: Draft;
  catalog: WorkflowCatalog | undefined;
  /** A 400 about the draft: its fields' messages go to the fields. */
  onInvalid(error: ApiError): void;
  /** The test was accepted: the fields' messages of an earlier attempt no longer hold. */
  onAccepted(): void;
}

/** "Test on one user": runs the draft, unsaved, for a chosen user and shows what each node was sent and answered. */
export function TestRunPanel({ body, catalog, onInvalid, onAccepted }: TestRunPanelProps) {
  const [search, setSearch] = useState('');
  const query = useDebounced(search, 250);
  const users = useResource((signal) => api.listUsers({ search: query, limit: 50 }, signal), [query]);
  const [userId, setUserId] = useState('');
  const [running, setRunning] = useState(false);
  const [reply, setReply] = useState<WorkflowTestReply>();
  const [error, setError] = useState<unknown>();
  const chosen = userId || users.data?.items[0]?.id || '';

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setReply(await api.testWorkflow({ workflow: body, userId: chosen }));
      onAccepted();
    } catch (failure) {
      setReply(undefined);
      // A draft the server refuses shows at its fields; the rest (unknown user, lacking fields, 429) here.
      if (failure instanceof ApiError && failure.status === 400 && Array.isArray(failure.details)) onInvalid(failure);
      setError(failure);
    } finally {
      setRunning(false);
    }
  };

  return (
    <section aria-labelledby="test-run-title" className="flex flex-col gap-3 rounded-lg border bg-muted/30 p-3">
      <h3 id="test-run-title" className="flex items-center gap-2 text-sm font-semibold">
        <FlaskConical className="size-4" aria-hidden /> Test on one user
      </h3>
      <p className="text-xs text-muted-foreground">
        Runs the draft as it is now for one user, without saving it. It is a real run for that user: their functions' state changes and the
        tokens count as theirs.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
          Find a user
          <Input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Name, id or any field" className="w-48" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted-foreground">
          User
          <NativeSelect value={chosen} onChange={(event) => setUserId(event.target.value)} className="w-56">
            {users.data?.items.length === 0 && <option value="">No user matches</option>}
            {users.data?.items.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name} ({user.id})
              </option>
            ))}
          </NativeSelect>
        </label>
        <Button onClick={run} disabled={running || !chosen}>
          {running ? <Spinner label="Testing" /> : <FlaskConical aria-hidden />} Run test
        </Button>
      </div>
      {error !== undefined && <ErrorNotice error={error} title="The test did not run" />}
      {reply && <TestReplyView reply={reply} catalog={catalog} />}
    </section>
  );
}

function TestReplyView({ reply, catalog }: { reply: WorkflowTestReply; catalog: WorkflowCatalog | undefined }) {
  return (
    <div role="region" aria-label={`Test result for ${reply.userName}`} className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge variant={reply.status === 'succeeded' ? 'success' : 'destructive'}>{reply.status}</Badge>
        <span>
          {reply.userName} · {reply.tokens} tokens · {reply.durationMs} ms
        </span>
      </div>
      {reply.error && <p className="text-sm text-destructive">{reply.error}</p>}
      <ol className="flex flex-col gap-2" aria-label="Tested nodes">
        {reply.nodes.map((node) => (
          <TestedNodeView key={node.nodeId} node={node} echo={catalog?.llms.some((llm) => llm.type === 'echo' && llm.model === node.model) ?? false} />
        ))}
      </ol>
    </div>
  );
}

function TestedNodeView({ node, echo }: { node: TestedNode; echo: boolean }) {
  const input = node.input;
  return (
    <li>
      <article aria-label={`Tested node ${node.nodeId}${node.name ? `: ${node.name}` : ''}`} className="rounded-md border bg-background p-2 text-xs">
        <header className="mb-1 flex flex-wrap items-center gap-2">
          <span className="font-medium">{node.name ?? `Node ${node.nodeId}`}</span>
          <Badge variant={node.status === 'succeeded' ? 'success' : 'destructive'}>{node.status}</Badge>
          {node.model && <Badge variant="outline">model: {node.model}</Badge>}
          {echo && <Badge variant="warning">echo stand-in, not an LLM</Badge>}
          {node.tokens !== undefined && <span>{node.tokens} tokens</span>}
          {node.durationMs !== undefined && <span>{node.durationMs} ms</span>}
        </header>
        {input && 'prompt' in input && (
          <>
            {input.system !== undefined && <Block label="System sent">{input.system}</Block>}
            <Block label="Prompt sent">{input.prompt}</Block>
          </>
        )}
        {input && 'function' in input && <Block label={`Input sent to ${input.function}`}>{JSON.stringify(input.input, null, 2)}</Block>}
        {input && 'template' in input && <Block label="Filled in">{input.template}</Block>}
        {node.status === 'succeeded' && <Block label="Output">{typeof node.content === 'string' ? node.content : JSON.stringify(node.content, null, 2)}</Block>}
        {node.error && <p className="text-destructive">{node.error}</p>}
      </article>
    </li>
  );
}

function Block({ label, children }: { label: string; children: string }) {
  return (
    <div className="mt-1">
      <div className="text-[0.7rem] font-medium uppercase tracking-wide text-muted-foreground">{label}</div>
      <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-muted p-2 font-mono">{children}</pre>
    </div>
  );
}
