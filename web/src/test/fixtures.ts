import type { Analytics, Run, RunResults, User, Workflow } from '@/lib/api';

/** The seed's three users and three more, as `GET /api/users` sends them. */
export const USERS: User[] = [
  { id: 'alice', name: 'Alice Johnson', role: 'Marketing Manager', department: 'Marketing', preferences: { platform: 'LinkedIn', tone: 'professional' } },
  { id: 'bob', name: 'Bob Smith', role: 'Content Creator', department: 'Marketing', preferences: { platform: 'YouTube', tone: 'casual' } },
  { id: 'carol', name: 'Carol Davis', role: 'Social Media Specialist', department: 'Communications', preferences: { platform: 'Instagram' } },
  { id: 'dan', name: 'Dan Wilson', role: 'Sales Director', department: 'Sales' },
];

export const SOCIAL_SCRIPT: Workflow = {
  id: 'social-script',
  name: 'Personalized Script Generator',
  description: 'A short social media script per user.',
  on_missing: 'error',
  result_node: '1',
  source: 'config',
  fields: ['name', 'role', 'department', 'preferences.platform', 'preferences.tone'],
  nodes: [
    {
      id: '1',
      type: 'llm',
      name: 'Script',
      llm: 'echo',
      prompt: 'Create a script for {{user:name}}, a {{user:role}} in {{user:department}}, for {{user:preferences.platform}} in a {{user:preferences.tone}} tone.',
      output_schema: { type: 'object' },
    },
    { id: '2', type: 'function', name: 'Save the hook', function: 'notepad', input: { action: 'add', content: '{{node:1.hook}}' } },
  ],
};

export const WELCOME_NOTE: Workflow = {
  id: 'welcome-note',
  name: 'Welcome note',
  on_missing: 'default:team member',
  source: 'config',
  fields: ['name', 'role'],
  nodes: [{ id: 'greet', type: 'template', template: 'Welcome {{user:name}}, our new {{user:role}}!' }],
};

const script = (name: string, hook: string) => ({ hook, mainContent: `${name} shares a tip`, callToAction: 'Follow along', hashtags: ['#team'] });

export function runResults(runId = 'run1'): RunResults {
  return {
    runId,
    workflowId: 'social-script',
    users: [
      {
        userId: 'alice',
        userName: 'Alice Johnson',
        status: 'succeeded',
        durationMs: 120,
        tokens: 150,
        billedTokens: 150,
        nodes: [
          { nodeId: '1', type: 'llm', name: 'Script', model: 'gpt-4o', structured: true, content: script('Alice', 'Hey Alice!'), tokens: 150, userId: 'alice', userName: 'Alice Johnson', durationMs: 110 },
          { nodeId: '2', type: 'function', structured: true, content: { success: true }, tokens: 0, userId: 'alice', userName: 'Alice Johnson', durationMs: 10 },
        ],
        final: script('Alice', 'Hey Alice!'),
      },
      {
        userId: 'bob',
        userName: 'Bob Smith',
        status: 'succeeded',
        durationMs: 140,
        tokens: 145,
        billedTokens: 145,
        nodes: [{ nodeId: '1', type: 'llm', model: 'gpt-4o', structured: true, content: script('Bob', 'Yo Bob!'), tokens: 145, userId: 'bob', userName: 'Bob Smith', durationMs: 140 }],
        final: script('Bob', 'Yo Bob!'),
      },
      { userId: 'carol', userName: 'Carol Davis', status: 'failed', error: 'The model timed out', tokens: 0, billedTokens: 0, nodes: [] },
    ],
  };
}

export function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run1',
    workflowId: 'social-script',
    workflowName: 'Personalized Script Generator',
    status: 'running',
    createdAt: '2026-11-22T10:00:00.000Z',
    concurrency: 10,
    progress: { total: 3, pending: 1, running: 2, succeeded: 0, failed: 0, cancelled: 0 },
    tokens: 0,
    billedTokens: 0,
    executions: [
      { id: 'workflow-alice-run1', userId: 'alice', userName: 'Alice Johnson', status: 'running', attempts: 1, tokens: 0, billedTokens: 0 },
      { id: 'workflow-bob-run1', userId: 'bob', userName: 'Bob Smith', status: 'running', attempts: 1, tokens: 0, billedTokens: 0 },
      { id: 'workflow-carol-run1', userId: 'carol', userName: 'Carol Davis', status: 'pending', attempts: 0, tokens: 0, billedTokens: 0 },
    ],
    page: { offset: 0, limit: 1000, total: 3 },
    ...overrides,
  };
}

export const ANALYTICS: Analytics = {
  runId: 'run1',
  successRate: 2 / 3,
  totalTokens: 295,
  billedTokens: 295,
  averageTokens: 147.5,
  duration: { p50: 120, p95: 140 },
  byNode: [],
};
