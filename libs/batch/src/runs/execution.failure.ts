import { UserscopeHttpError } from '@userscope/runtime';
import type { ExecutionRecord } from '../store/batch-records';

/** What a failed execution records of its error: the message, and its stable code when it has one (`budget_exceeded`, ...). */
export function failureOf(error: unknown): Pick<ExecutionRecord, 'error' | 'errorCode'> {
  const message = (error as Error)?.message ?? String(error);
  const code = error instanceof UserscopeHttpError ? error.body.code : (error as { code?: unknown })?.code;
  return { error: message, errorCode: typeof code === 'string' ? code : undefined };
}
