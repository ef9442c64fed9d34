import type { ValidationError } from 'class-validator';
import type { ConfigIssue, FieldError } from '@userscope/runtime';

/**
 * class-validator's error tree as a flat list of `{path, message}`: list items as `nodes[0]`, the
 * property's name taken off the front of its message (the path names it), unknown keys said so.
 */
export function fieldIssues(errors: ValidationError[], path = ''): ConfigIssue[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property) ? `${path}[${error.property}]` : path ? `${path}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      path: key,
      message: constraint === 'whitelistValidation' ? `unknown key '${error.property}'` : message.replace(new RegExp(`^${error.property} `), ''),
    }));
    return [...own, ...fieldIssues(error.children ?? [], key)];
  });
}

/** Issues as an error reply's `details`: `[{field, errors}]`. */
export function fieldErrors(issues: ConfigIssue[]): FieldError[] {
  return issues.map((issue) => ({ field: issue.path, errors: [issue.message] }));
}
