import type { ConfigIssue, FieldError } from '@userscope/runtime';

/** Issues as an error reply's `details`: `[{field, errors}]`. */
export function fieldErrors(issues: ConfigIssue[]): FieldError[] {
  return issues.map((issue) => ({ field: issue.path, errors: [issue.message] }));
}
