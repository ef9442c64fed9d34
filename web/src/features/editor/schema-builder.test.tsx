import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '@/test/render';
import { fieldsOf, schemaOf } from './output-schema';
import { SchemaBuilder } from './schema-builder';

/** The builder with its schema kept as a node's would be, every change recorded. */
function Harness({ initial, onSchema }: { initial?: Record<string, unknown>; onSchema(schema: Record<string, unknown> | undefined): void }) {
  const [schema, setSchema] = useState(initial);
  return (
    <SchemaBuilder
      schema={schema}
      onChange={(next) => {
        setSchema(next);
        onSchema(next);
      }}
    />
  );
}

describe('output schema ⇄ builder fields', () => {
  it('says a list of fields as an object schema, and reads it back', () => {
    const fields = [
      { name: 'hook', type: 'string' as const, required: true, array: false },
      { name: 'hashtags', type: 'string' as const, required: false, array: true },
      { name: 'score', type: 'integer' as const, required: true, array: false },
    ];
    const schema = schemaOf(fields);
    expect(schema).toEqual({
      type: 'object',
      properties: { hook: { type: 'string' }, hashtags: { type: 'array', items: { type: 'string' } }, score: { type: 'integer' } },
      required: ['hook', 'score'],
    });
    expect(fieldsOf(schema)).toEqual(fields);
  });

  it('leaves to the JSON tab a schema that says more than the builder shows', () => {
    expect(fieldsOf({ type: 'object', properties: { tone: { type: 'string', enum: ['warm', 'dry'] } } })).toBeUndefined();
    expect(fieldsOf({ type: 'object', properties: { meta: { type: 'object', properties: { a: { type: 'string' } } } } })).toBeUndefined();
    expect(fieldsOf({ type: 'array', items: { type: 'string' } })).toBeUndefined();
  });
});

// Typing key by key re-renders on each key: slow on a loaded machine, so longer timeouts.
describe('SchemaBuilder', { timeout: 20_000 }, () => {
  it('builds a structured output from fields: name, type, required and list of', async () => {
    const onSchema = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness onSchema={onSchema} />);
    await user.click(screen.getByRole('checkbox', { name: 'Structured output' }));
    expect(onSchema).toHaveBeenLastCalledWith({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });

    const name = screen.getByRole('textbox', { name: 'Field 1 name' });
    await user.clear(name);
    await user.type(name, 'hook');
    await user.click(screen.getByRole('button', { name: 'Add field' }));
    await user.clear(screen.getByRole('textbox', { name: 'Field 2 name' }));
    await user.type(screen.getByRole('textbox', { name: 'Field 2 name' }), 'hashtags');
    await user.click(screen.getByRole('checkbox', { name: 'Field 2 is a list' }));
    await user.click(screen.getByRole('checkbox', { name: 'Field 2 required' }));
    await user.click(screen.getByRole('button', { name: 'Add field' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Field 3 type' }), 'number');
    expect(onSchema).toHaveBeenLastCalledWith({
      type: 'object',
      properties: { hook: { type: 'string' }, hashtags: { type: 'array', items: { type: 'string' } }, field3: { type: 'number' } },
      required: ['hook', 'field3'],
    });
    await user.click(screen.getByRole('button', { name: 'Remove field field3' }));
    expect(onSchema).toHaveBeenLastCalledWith({
      type: 'object',
      properties: { hook: { type: 'string' }, hashtags: { type: 'array', items: { type: 'string' } } },
      required: ['hook'],
    });
    // The JSON tab shows the same schema.
    await user.click(screen.getByRole('tab', { name: 'JSON Schema' }));
    expect(JSON.parse((screen.getByRole('textbox', { name: 'JSON Schema' }) as HTMLTextAreaElement).value)).toEqual(onSchema.mock.lastCall![0]);
  });

  it('holds back a field list with an empty or repeated name, saying which field is wrong', async () => {
    const onSchema = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness initial={schemaOf([{ name: 'hook', type: 'string', required: true, array: false }])} onSchema={onSchema} />);
    await user.click(screen.getByRole('button', { name: 'Add field' }));
    onSchema.mockClear();
    const second = screen.getByRole('textbox', { name: 'Field 2 name' });
    await user.clear(second);
    expect(second).toHaveAccessibleDescription('Give the field a name.');
    await user.type(second, 'hook');
    expect(second).toHaveAttribute('aria-invalid', 'true');
    expect(second).toHaveAccessibleDescription('“hook” is used by another field.');
    // `hoo` went out; `hook` twice would be one property, so it did not.
    expect(onSchema).toHaveBeenLastCalledWith({ type: 'object', properties: { hook: { type: 'string' }, hoo: { type: 'string' } }, required: ['hook', 'hoo'] });
    await user.type(second, '2');
    expect(onSchema).toHaveBeenLastCalledWith({ type: 'object', properties: { hook: { type: 'string' }, hook2: { type: 'string' } }, required: ['hook', 'hook2'] });
  });

  it('takes a raw JSON Schema, refusing text that is not one, and edits a richer schema as JSON only', async () => {
    const onSchema = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Harness initial={{ type: 'object', properties: {} }} onSchema={onSchema} />);
    await user.click(screen.getByRole('tab', { name: 'JSON Schema' }));
    const raw = screen.getByRole('textbox', { name: 'JSON Schema' });
    await user.clear(raw);
    await user.type(raw, '[[1]');
    expect(raw).toHaveAccessibleDescription('A JSON Schema is an object, such as {"type": "object", "properties": {…}}.');
    await user.clear(raw);
    await user.type(raw, '{{"type": "object", "properties": {{"tone": {{"enum": [["warm"]}}}');
    expect(onSchema).toHaveBeenLastCalledWith({ type: 'object', properties: { tone: { enum: ['warm'] } } });
    await user.click(screen.getByRole('tab', { name: 'Fields' }));
    expect(within(screen.getByRole('tabpanel')).getByText(/says more than the field builder shows/)).toBeInTheDocument();
  });
});
