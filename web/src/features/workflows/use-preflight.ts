import { useEffect, useState } from 'react';
import { api, type Preflight } from '@/lib/api';
import { useDebounced } from '@/lib/use-resource';

export interface PreflightState {
  preflight?: Preflight;
  loading: boolean;
  error?: unknown;
}

/**
 * Which of the selected users lack which fields the workflow uses; asked again as the selection
 * changes, or `usersVersion` does (a user was edited).
 */
export function usePreflight(workflowId: string | undefined, userIds: string[], usersVersion = 0): PreflightState {
  const key = useDebounced(JSON.stringify([workflowId, userIds, usersVersion]), 300);
  const [state, setState] = useState<PreflightState>({ loading: false });
  useEffect(() => {
    const [id, ids] = JSON.parse(key) as [string | undefined, string[]];
    if (!id || ids.length === 0) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    api.preflight(id, { userIds: ids }, controller.signal).then(
      (preflight) => !controller.signal.aborted && setState({ preflight, loading: false }),
      (error) => !controller.signal.aborted && setState({ loading: false, error }),
    );
    return () => controller.abort();
  }, [key]);
  return state;
}
