import { parse as parseYamlScalar } from 'yaml';
import { ConfigIssue } from '../exceptions/config.exception';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML document.
 * A value that is a single reference is read as a YAML scalar, so `${MAX_NOTES:-50}` is the number 50.
 * Unset variables without a default are reported with their key path.
 */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  path = '',
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, issues, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, issues, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // Defined, not assigned: a `__proto__` key is data and must not set the object's prototype.
      const interpolated = interpolateEnv(item, env, issues, path ? `${path}.${key}` : key);
      Object.defineProperty(out, key, { value: interpolated, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function interpolateString(text: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: string): unknown {
  if (!text.includes('${')) return text;
  const replaced = text.replace(REFERENCE, (whole, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    issues.push({ path, message: `environment variable ${name} is not set and '${whole}' has no default (use \${${name}:-default})` });
    return '';
  });
  return WHOLE_REFERENCE.test(text.trim()) ? readScalar(replaced) : replaced;
}

/** `50` → 50, `true` → true; text that is not a YAML scalar (`a: b`, `@secret`) stays the text it is. */
function readScalar(text: string): unknown {
  try {
    const value: unknown = parseYamlScalar(text);
    if (value === null) return '';
    return typeof value === 'object' ? text : value;
  } catch {
    return text;
  }
}
