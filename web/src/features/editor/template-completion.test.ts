import { describe, expect, it } from 'vitest';
import type { WorkflowNode } from '@/lib/api';
import { applySuggestion, completionAt, scopeAt, suggestionsFor, unknownPlaceholders } from './template-completion';

const NODES: WorkflowNode[] = [
  { id: '1', type: 'llm', name: 'Script', llm: 'model', prompt: '', output_schema: { type: 'object', properties: { hook: { type: 'string' }, meta: { type: 'object', properties: { tone: { type: 'string' } } } } } },
  { id: 'note', type: 'function', function: 'notepad', input: {} },
  { id: 'plain', type: 'llm', llm: 'model', prompt: '' },
  { id: 'last', type: 'template', template: '' },
];
const FIELDS = ['department', 'name', 'preferences.platform', 'preferences.tone'];

describe('completionAt', () => {
  it('finds the placeholder being typed at the cursor, and nothing once it is closed', () => {
    expect(completionAt('Hi {{user:pre', 13)).toEqual({ source: 'user', query: 'pre', from: 10 });
    expect(completionAt('Hi {{ node:1.h', 14)).toEqual({ source: 'node', query: '1.h', from: 11 });
    expect(completionAt('Hi {{us', 7)).toEqual({ source: 'start', query: 'us', from: 5 });
    expect(completionAt('Hi {{user:name}} and', 20)).toBeUndefined();
    expect(completionAt('Hi {{other', 10)).toBeUndefined();
    expect(completionAt('no braces', 9)).toBeUndefined();
  });
});

describe('suggestionsFor', () => {
  it("offers the directory's user fields, nested ones too, those starting with the query first", () => {
    const scope = scopeAt(NODES, 0, FIELDS);
    expect(suggestionsFor({ source: 'user', query: 'pre', from: 0 }, scope).map((s) => s.value)).toEqual(['preferences.platform', 'preferences.tone']);
    expect(suggestionsFor({ source: 'user', query: 'tone', from: 0 }, scope).map((s) => s.value)).toEqual(['preferences.tone']);
  });

  it('offers only earlier nodes, with the fields of their structured outputs', () => {
    expect(suggestionsFor({ source: 'node', query: '', from: 0 }, scopeAt(NODES, 0, FIELDS))).toEqual([]);
    const atLast = scopeAt(NODES, 3, FIELDS);
    expect(suggestionsFor({ source: 'node', query: '', from: 0 }, atLast).map((s) => s.value)).toEqual(['1', '1.hook', '1.meta', '1.meta.tone', 'note', 'plain']);
    expect(suggestionsFor({ source: 'node', query: '1.h', from: 0 }, atLast)).toEqual([{ value: '1.hook', detail: 'Script (llm)' }]);
  });

  it('offers user: and node: after {{, node: only when there are earlier nodes', () => {
    expect(suggestionsFor({ source: 'start', query: '', from: 0 }, scopeAt(NODES, 0, FIELDS)).map((s) => s.value)).toEqual(['user:']);
    expect(suggestionsFor({ source: 'start', query: 'n', from: 0 }, scopeAt(NODES, 1, FIELDS)).map((s) => s.value)).toEqual(['node:']);
  });
});

describe('applySuggestion', () => {
  it('puts the choice in place of the query and closes the placeholder', () => {
    const text = 'Hi {{user:pre';
    expect(applySuggestion(text, 13, completionAt(text, 13)!, { value: 'preferences.tone' })).toEqual({ text: 'Hi {{user:preferences.tone}}', cursor: 28 });
  });

  it('replaces the rest of a placeholder the cursor is inside, rather than leaving it behind', () => {
    const text = 'Hi {{user:na}}!';
    expect(applySuggestion(text, 12, completionAt(text, 12)!, { value: 'name' }).text).toBe('Hi {{user:name}}!');
  });

  it('after {{ inserts the kind only, so the next list can follow', () => {
    const text = 'Hi {{u';
    expect(applySuggestion(text, 6, completionAt(text, 6)!, { value: 'user:' })).toEqual({ text: 'Hi {{user:', cursor: 10 });
  });
});

describe('unknownPlaceholders', () => {
  it('names user fields no user has, nodes that are not earlier, and output fields a node does not have', () => {
    const template = '{{user:name}} {{user:preferences}} {{user:age}} {{node:1.hook}} {{node:1.nope}} {{node:note.anything}} {{node:plain.x}} {{node:last}}';
    expect(unknownPlaceholders(template, scopeAt(NODES, 3, FIELDS))).toEqual([
      { placeholder: '{{user:age}}', reason: 'no user in the directory has the field “age”' },
      { placeholder: '{{node:1.nope}}', reason: "node 1's output has no field “nope”" },
      { placeholder: '{{node:plain.x}}', reason: 'node plain answers text, which has no fields' },
      { placeholder: '{{node:last}}', reason: '“last” is not an earlier node' },
    ]);
  });
});
