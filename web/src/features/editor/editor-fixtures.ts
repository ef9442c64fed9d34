import type { WorkflowCatalog } from '@/lib/api';
import type { Resource } from '@/lib/use-resource';
import type { Draft } from './workflow-draft';

/** A server's catalog: a real LLM and the echo stand-in, the seed's notepad, the sample users' fields. */
export const CATALOG: WorkflowCatalog = {
  llms: [
    { name: 'model', type: 'openai', model: 'gpt-4o-mini' },
    { name: 'echo', type: 'echo', model: 'echo' },
  ],
  functions: [
    {
      name: 'notepad',
      description: 'A notepad per user',
      inputSchema: {
        type: 'object',
        properties: { action: { type: 'string', description: "'add', 'list', 'clear' or 'count'" }, content: { type: 'string', default: '' } },
        required: ['action'],
      },
    },
  ],
  userFields: ['department', 'name', 'preferences.platform', 'preferences.tone', 'role'],
};

export const catalogResource = (data: WorkflowCatalog = CATALOG): Resource<WorkflowCatalog> => ({ data, error: undefined, loading: false, reload: () => {} });

/** The two-node workflow, as a draft. */
export const TWO_NODES: Draft = {
  id: 'hooks',
  name: 'Hooks',
  on_missing: 'error',
  nodes: [
    {
      id: '1',
      type: 'llm',
      name: 'Script',
      llm: 'model',
      prompt: '',
      output_schema: { type: 'object', properties: { hook: { type: 'string' } }, required: ['hook'] },
    },
    { id: '2', type: 'function', name: 'Save', function: 'notepad', input: { action: 'add', content: '' } },
  ],
};
