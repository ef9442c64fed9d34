/** What `on_missing` does with a user who lacks a field, in words. */
export interface MissingFieldPolicy {
  kind: 'error' | 'empty' | 'default';
  label: string;
  /** The text inserted for a missing field, for `default:<text>`. */
  fallback?: string;
}

export function missingFieldPolicy(onMissing: string | undefined): MissingFieldPolicy {
  if (!onMissing || onMissing === 'error') return { kind: 'error', label: 'Missing fields stop the run' };
  if (onMissing === 'empty') return { kind: 'empty', label: 'Missing fields are left empty' };
  const fallback = onMissing.startsWith('default:') ? onMissing.slice('default:'.length) : onMissing;
  return { kind: 'default', label: `Missing fields become “${fallback}”`, fallback };
}
