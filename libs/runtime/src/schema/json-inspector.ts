/** What `inspectJson` found: a container nested deeper than allowed, or a key refused (with the path to it). */
export type JsonProblem = { kind: 'too_deep' } | { kind: 'forbidden_key'; key: string; path: string };

export interface JsonInspection {
  /** Deepest nesting of objects and arrays allowed; the value itself is level 1. */
  maxDepth?: number;
  /** The name to report when `key` (holding `value`) is refused, else undefined. */
  refuseKey?: (key: string, value: unknown) => string | undefined;
}

interface Frame {
  value: object;
  depth: number;
  key: string;
  parent: Frame | undefined;
}

/**
 * Walks parsed JSON with a stack of its own, not recursion, so no input is too deep to inspect;
 * stops at the first problem. What follows (class-transformer, recursive checks) may then recurse.
 */
export function inspectJson(root: unknown, { maxDepth = Infinity, refuseKey }: JsonInspection): JsonProblem | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  const stack: Frame[] = [{ value: root, depth: 1, key: '', parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > maxDepth) return { kind: 'too_deep' };
    const isArray = Array.isArray(frame.value);
    for (const key of Object.keys(frame.value)) {
      const child = (frame.value as Record<string, unknown>)[key];
      const refused = isArray ? undefined : refuseKey?.(key, child);
      if (refused !== undefined) return { kind: 'forbidden_key', key: refused, path: pathOf(frame, refused) };
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, key, parent: frame });
    }
  }
  return undefined;
}

/** `a.b[2].key`, from the frames up to the root. */
function pathOf(frame: Frame, key: string): string {
  const parts = [key];
  for (let at: Frame | undefined = frame; at?.parent; at = at.parent) {
    parts.unshift(Array.isArray(at.parent.value) ? `[${at.key}]` : at.key);
  }
  return parts.join('.').replace(/\.\[/g, '[');
}
