import { cn } from '@/lib/cn';

const PLACEHOLDER = /\{\{\s*(user|node):([^}]*?)\s*\}\}/g;

export interface TemplatePart {
  text: string;
  /** `user` for a user field, `node` for an earlier node's output. */
  kind?: 'user' | 'node';
  /** The field path or node reference inside the braces. */
  ref?: string;
}

/** Splits a template into plain text and `{{user:…}}` / `{{node:…}}` placeholders. */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ text: template.slice(last, match.index) });
    parts.push({ text: match[0], kind: match[1] as 'user' | 'node', ref: match[2].trim() });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return parts;
}

/**
 * A prompt or template with its placeholders highlighted: user fields in the accent colour (amber
 * when some selected user lacks the field), references to earlier nodes in green.
 */
export function TemplateText({ template, missingFields, className }: { template: string; missingFields?: ReadonlySet<string>; className?: string }) {
  return (
    <span className={cn('whitespace-pre-wrap break-words', className)}>
      {templateParts(template).map((part, index) => {
        if (!part.kind) return <span key={index}>{part.text}</span>;
        const missing = part.kind === 'user' && missingFields?.has(part.ref!);
        const title =
          part.kind === 'user'
            ? `User field “${part.ref}”${missing ? ' — missing for some selected users' : ''}`
            : `The output of node ${part.ref}`;
        return (
          <mark
            key={index}
            data-placeholder={part.kind}
            title={title}
            className={cn(
              'rounded px-1 py-px font-mono text-[0.85em] font-medium',
              part.kind === 'user' && !missing && 'bg-highlight text-highlight-foreground',
              missing && 'bg-warning/25 text-warning-strong ring-1 ring-warning/60',
              part.kind === 'node' && 'bg-node-ref text-node-ref-foreground',
            )}
          >
            {part.text}
          </mark>
        );
      })}
    </span>
  );
}
