import { useState } from 'react';
import { Textarea } from '@/components/ui/input';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import type { CatalogFunction } from '@/lib/api';
import { FieldErrors } from './field-errors';
import type { TemplateScope } from './template-completion';
import { TemplateEditor } from './template-editor';

interface PropertySchema {
  type?: string;
  description?: string;
  default?: unknown;
}

export interface FunctionInputFormProps {
  fn: CatalogFunction | undefined;
  input: unknown;
  onChange(input: unknown): void;
  scope: TemplateScope;
  /** The server's messages by path after `input` (`''`: the input itself, `.content`: one field). */
  errors: Record<string, string[]>;
  readOnly?: boolean;
}

/**
 * A function node's input: the function's input schema as a form, each value a template (a number
 * or true/false typed as such is sent as one), and the whole input as JSON beside it.
 */
export function FunctionInputForm({ fn, input, onChange, scope, errors, readOnly }: FunctionInputFormProps) {
  const [raw, setRaw] = useState<string>();
  const [rawError, setRawError] = useState<string>();
  const properties = (fn?.inputSchema.properties ?? {}) as Record<string, PropertySchema>;
  const required = new Set((fn?.inputSchema.required as string[] | undefined) ?? []);
  const object = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const keys = Object.keys(properties);

  const setValue = (key: string, text: string, type?: string) => {
    const next = { ...object };
    if (text === '' && !required.has(key)) delete next[key];
    else next[key] = typedValue(text, type);
    onChange(next);
  };

  return (
    <Tabs defaultValue={keys.length > 0 ? 'form' : 'json'} onValueChange={(tab) => tab === 'json' && setRaw(JSON.stringify(input ?? {}, null, 2))}>
      <TabsList>
        <TabsTrigger value="form" disabled={keys.length === 0}>
          Input
        </TabsTrigger>
        <TabsTrigger value="json">JSON</TabsTrigger>
      </TabsList>
      <TabsContent value="form" className="mt-2 flex flex-col gap-2">
        {keys.map((key) => {
          const property = properties[key];
          const value = object[key];
          return (
            <div key={key}>
              <TemplateEditor
                label={`${key}${required.has(key) ? ' (required)' : ''}${property.type ? ` · ${property.type}` : ''}`}
                value={value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)}
                onChange={(text) => setValue(key, text, property.type)}
                scope={scope}
                singleLine={property.type !== 'object' && property.type !== 'array'}
                rows={2}
                readOnly={readOnly}
                placeholder={property.default !== undefined && property.default !== '' ? `default: ${JSON.stringify(property.default)}` : undefined}
                errors={errors[`.${key}`]}
              />
              {property.description && <p className="mt-0.5 text-xs text-muted-foreground">{property.description}</p>}
            </div>
          );
        })}
      </TabsContent>
      <TabsContent value="json" className="mt-2">
        <Textarea
          aria-label="Input as JSON"
          rows={5}
          readOnly={readOnly}
          value={raw ?? JSON.stringify(input ?? {}, null, 2)}
          onChange={(event) => {
            setRaw(event.target.value);
            try {
              onChange(JSON.parse(event.target.value));
              setRawError(undefined);
            } catch (error) {
              setRawError(`Not valid JSON: ${(error as Error).message}`);
            }
          }}
        />
        {rawError && <p className="mt-1 text-xs text-destructive">{rawError}</p>}
      </TabsContent>
      <FieldErrors errors={[...(errors[''] ?? []), ...Object.entries(errors).filter(([key]) => key && !keys.includes(key.slice(1))).flatMap(([, list]) => list)]} />
    </Tabs>
  );
}

/** What a typed value stands for: a template stays text; `3` in a number field is 3, `{…}` in an object field is the object. */
function typedValue(text: string, type?: string): unknown {
  if (text.includes('{{')) return text;
  if ((type === 'number' || type === 'integer') && text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
