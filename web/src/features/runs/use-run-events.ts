import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Run, type RunEvent } from '@/lib/api';

export interface RunEventsState {
  run?: Run;
  /** The stream is open (or the run has ended and nothing more will come). */
  live: boolean;
  error?: unknown;
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/** Applies one event of `GET /api/runs/{id}/events` to the run as the page knows it. */
export function applyRunEvent(run: Run | undefined, event: RunEvent): Run | undefined {
  switch (event.type) {
    case 'snapshot':
      return event.data;
    case 'execution': {
      if (!run) return run;
      const previous = run.executions.find((execution) => execution.id === event.data.id);
      const status = run.status === 'queued' ? 'running' : run.status;
      // The snapshot holds one page of a large run: an execution beyond it changes the counts only.
      if (!previous && run.executions.length >= run.page.limit) return { ...run, status };
      const executions = previous
        ? run.executions.map((execution) => (execution === previous ? event.data : execution))
        : [...run.executions, event.data];
      const tokens = run.tokens + event.data.tokens - (previous?.tokens ?? 0);
      const billedTokens = run.billedTokens + event.data.billedTokens - (previous?.billedTokens ?? 0);
      return { ...run, executions, status, tokens, billedTokens };
    }
    case 'progress':
      return run && { ...run, progress: event.data };
    case 'end':
      return run && { ...run, status: event.data.status, finishedAt: run.finishedAt ?? new Date().toISOString() };
    default:
      return run;
  }
}

/**
 * Follows a run live over server-sent events until it ends. A broken stream is reopened (its first
 * event, the snapshot, brings the page up to date); `follow()` opens it again after a retry.
 */
export function useRunEvents(runId: string | undefined, onEnd?: (run: Run) => void): RunEventsState & { follow(): void } {
  const [state, setState] = useState<RunEventsState>({ live: false });
  const [generation, setGeneration] = useState(0);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    if (!runId) {
      setState({ live: false });
      return;
    }
    const controller = new AbortController();
    let attempt = 0;
    let latest: Run | undefined;
    setState((previous) => (previous.run?.id === runId ? { ...previous, error: undefined } : { live: false }));

    const connect = async () => {
      while (!controller.signal.aborted) {
        try {
          await api.followRun(
            runId,
            (event) => {
              attempt = 0;
              latest = applyRunEvent(latest, event);
              setState({ run: latest, live: true });
              if (event.type === 'end' && latest) onEndRef.current?.(latest);
            },
            controller.signal,
          );
          return; // ended
        } catch (error) {
          if (controller.signal.aborted) return;
          const permanent = error instanceof ApiError && error.status >= 400 && error.status < 500;
          if (permanent || attempt >= RETRY_DELAYS_MS.length) {
            setState((previous) => ({ ...previous, live: false, error }));
            return;
          }
          setState((previous) => ({ ...previous, live: false }));
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt++]));
        }
      }
    };
    void connect();
    return () => controller.abort();
  }, [runId, generation]);

  const follow = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, follow };
}
