import { Plus, Trash2 } from 'lucide-react';
import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Input, NativeSelect, Textarea } from '@/components/ui/input';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { FieldErrors } from './field-errors';
import { FIELD_TYPES, fieldProblems, fieldsOf, schemaOf, type FieldType, type OutputField } from './output-schema';

export interface SchemaBuilderProps {
  /** The node's `output_schema`; undefined: the node answers text. */
  schema: Record<string, unknown> | undefined;
  onChange(schema: Record<string, unknown> | undefined): void;
  readOnly?: boolean;
  errors?: readonly string[];
}

/**
 * Structured output: a small field builder (name, type, required, list of) and, beside it, the raw
 * JSON Schema. A schema the builder cannot show (enums, nested properties, …) is edited as JSON only.
 */
export function SchemaBuilder({ schema, onChange, readOnly, errors }: SchemaBuilderProps) {
  const id = useId();
  const [fields, setFields] = useState<OutputField[] | undefined>(() => fieldsOf(schema));
  const [raw, setRaw] = useState(() => JSON.stringify(schema ?? {}, null, 2));
  const [rawError, setRawError] = useState<string>();
  const [tab, setTab] = useState(() => (schema && !fieldsOf(schema) ? 'json' : 'fields'));
  const problems = fields ? fieldProblems(fields) : new Map<number, string>();

  const setEnabled = (enabled: boolean) => {
    const next = enabled ? schemaOf([{ name: 'text', type: 'string', required: true, array: false }]) : undefined;
    setFields(fieldsOf(next) ?? []);
    setRaw(JSON.stringify(next ?? {}, null, 2));
    setRawError(undefined);
    onChange(next);
  };
  const editFields = (next: OutputField[]) => {
    setFields(next);
    // Only a list the schema can say goes out: two fields of one name would silently become one.
    if (fieldProblems(next).size > 0) return;
    const built = schemaOf(next, schema);
    setRaw(JSON.stringify(built, null, 2));
    onChange(built);
  };
  const editRaw = (text: string) => {
    setRaw(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      setRawError(`Not valid JSON: ${(error as Error).message}`);
      return;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      setRawError('A JSON Schema is an object, such as {"type": "object", "properties": {…}}.');
      return;
    }
    setRawError(undefined);
    setFields(fieldsOf(parsed));
    onChange(parsed as Record<string, unknown>);
  };
  const update = (index: number, change: Partial<OutputField>) => editFields(fields!.map((field, i) => (i === index ? { ...field, ...change } : field)));

  return (
    <fieldset className="flex flex-col gap-2 rounded-md border p-3" aria-label="Structured output">
      <div className="flex items-center gap-2">
        <Checkbox id={`${id}-on`} checked={schema !== undefined} onCheckedChange={(value) => setEnabled(value === true)} disabled={readOnly} />
        <label htmlFor={`${id}-on`} className="text-sm font-medium">
          Structured output
        </label>
        <span className="text-xs text-muted-foreground">{schema ? 'the reply is JSON matching the schema' : 'the reply is text'}</span>
      </div>
      {schema !== undefined && (
        <Tabs value={tab} onValueChange={setTab}>
          <TabsList>
            <TabsTrigger value="fields">Fields</TabsTrigger>
            <TabsTrigger value="json">JSON Schema</TabsTrigger>
          </TabsList>
          <TabsContent value="fields" className="mt-2">
            {!fields ? (
              <p className="text-xs text-muted-foreground">This schema says more than the field builder shows (nested properties, enums, …): edit it as JSON Schema.</p>
            ) : (
              <div className="flex flex-col gap-2">
                <table className="w-full text-sm">
                  <thead className="text-left text-xs text-muted-foreground">
                    <tr>
                      <th className="font-medium">Name</th>
                      <th className="font-medium">Type</th>
                      <th className="font-medium">Required</th>
                      <th className="font-medium">List of</th>
                      <th>
                        <span className="sr-only">Remove</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {fields.map((field, index) => (
                      <tr key={index} className="align-top">
                        <td className="py-1 pr-2">
                          <Input
                            aria-label={`Field ${index + 1} name`}
                            value={field.name}
                            readOnly={readOnly}
                            aria-invalid={problems.has(index) || undefined}
                            aria-describedby={problems.has(index) ? `${id}-problem-${index}` : undefined}
                            onChange={(event) => update(index, { name: event.target.value })}
                            className="font-mono text-xs"
                          />
                          {problems.has(index) && (
                            <p id={`${id}-problem-${index}`} className="mt-0.5 text-xs text-destructive">
                              {problems.get(index)}
                            </p>
                          )}
                        </td>
                        <td className="py-1 pr-2">
                          <NativeSelect
                            aria-label={`Field ${index + 1} type`}
                            value={field.type}
                            disabled={readOnly}
                            onChange={(event) => update(index, { type: event.target.value as FieldType })}
                          >
                            {FIELD_TYPES.map((type) => (
                              <option key={type} value={type}>
                                {type}
                              </option>
                            ))}
                          </NativeSelect>
                        </td>
                        <td className="py-1 pr-2 pt-3">
                          <Checkbox aria-label={`Field ${index + 1} required`} checked={field.required} disabled={readOnly} onCheckedChange={(value) => update(index, { required: value === true })} />
                        </td>
                        <td className="py-1 pr-2 pt-3">
                          <Checkbox aria-label={`Field ${index + 1} is a list`} checked={field.array} disabled={readOnly} onCheckedChange={(value) => update(index, { array: value === true })} />
                        </td>
                        <td className="py-1">
                          {!readOnly && (
                            <Button size="icon-sm" variant="ghost" aria-label={`Remove field ${field.name || index + 1}`} onClick={() => editFields(fields.filter((_, i) => i !== index))}>
                              <Trash2 aria-hidden />
                            </Button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {!readOnly && (
                  <Button
                    size="sm"
                    variant="outline"
                    className="self-start"
                    onClick={() => editFields([...fields, { name: nextFieldName(fields), type: 'string', required: true, array: false }])}
                  >
                    <Plus aria-hidden /> Add field
                  </Button>
                )}
              </div>
            )}
          </TabsContent>
          <TabsContent value="json" className="mt-2">
            <Textarea
              aria-label="JSON Schema"
              value={raw}
              readOnly={readOnly}
              rows={8}
              aria-invalid={rawError ? true : undefined}
              aria-describedby={rawError ? `${id}-raw-error` : undefined}
              onChange={(event) => editRaw(event.target.value)}
            />
            {rawError && (
              <p id={`${id}-raw-error`} className="mt-1 text-xs text-destructive">
                {rawError}
              </p>
            )}
          </TabsContent>
        </Tabs>
      )}
      <FieldErrors errors={errors} />
    </fieldset>
  );
}

function nextFieldName(fields: readonly OutputField[]): string {
  const names = new Set(fields.map((field) => field.name));
  for (let n = fields.length + 1; ; n++) if (!names.has(`field${n}`)) return `field${n}`;
}
