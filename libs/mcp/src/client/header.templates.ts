import { McpMessages } from '../mcp.messages';

const PLACEHOLDER = /\{\{\s*([^}]+?)\s*\}\}/g;

/** What a template may read: the user's secrets and their verified identity. */
export interface TemplateSources {
  userId: string;
  secret(name: string): Promise<string | undefined>;
  /** The user's verified claims (jwt mode), when known. */
  claims?: Record<string, unknown>;
}

/** The placeholders `values` use, as `secret:name` / `identity:...` strings; throws on one that is not known. */
export function placeholdersIn(values: Record<string, string>): string[] {
  const found = Object.values(values).flatMap((value) => [...value.matchAll(PLACEHOLDER)].map((match) => match[1]));
  for (const placeholder of found) {
    if (!/^secret:[A-Za-z0-9_.-]{1,64}$/.test(placeholder) && !/^identity:(user_id|claims\.[A-Za-z0-9_.:-]+)$/.test(placeholder)) {
      throw new Error(McpMessages.unknownTemplate(placeholder));
    }
  }
  return found;
}

/** What a rendered value may not hold where it goes: a header, a line break or NUL; a child's environment, NUL. */
const UNSENDABLE = { header: /[\r\n\0]/, env: /\0/ } as const;

/**
 * `values` with each `{{secret:x}}` / `{{identity:...}}` filled in for the user; throws when one has
 * no value, or when a value cannot go where it is sent (`into`). That error names the key, never the
 * value: fetch's own would quote it, a secret, into the monitor's last error and the model's context.
 */
export async function renderTemplates(values: Record<string, string>, sources: TemplateSources, into: keyof typeof UNSENDABLE = 'header'): Promise<Record<string, string>> {
  const rendered: Record<string, string> = {};
  for (const [key, template] of Object.entries(values)) {
    let out = '';
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      out += template.slice(last, match.index) + (await valueOf(match[1], sources));
      last = match.index! + match[0].length;
    }
    rendered[key] = out + template.slice(last);
    if (UNSENDABLE[into].test(rendered[key])) throw new Error(McpMessages.unsendableValue(into, key, sources.userId));
  }
  return rendered;
}

async function valueOf(placeholder: string, sources: TemplateSources): Promise<string> {
  const [source, path] = [placeholder.slice(0, placeholder.indexOf(':')), placeholder.slice(placeholder.indexOf(':') + 1)];
  if (source === 'secret') {
    const value = await sources.secret(path);
    if (value === undefined) throw new Error(McpMessages.missingSecret(sources.userId, path));
    return value;
  }
  if (path === 'user_id') return sources.userId;
  const claim = path.slice('claims.'.length);
  const value = sources.claims?.[claim];
  if (value === undefined || value === null) throw new Error(McpMessages.missingClaim(sources.userId, claim));
  return typeof value === 'string' ? value : JSON.stringify(value);
}
