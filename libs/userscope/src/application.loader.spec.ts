import 'reflect-metadata';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { ConfigError } from '@userscope/runtime';
import { loadApplication } from './application.loader';

/** The seed example with a batch workflow whose node calls the user's notepad. */
const config = (cluster: Record<string, unknown> | undefined, nodes = [{ id: 'add', type: 'function', function: 'notepad', input: { action: 'add', content: 'hi' } }]) => ({
  general: cluster ? { cluster } : {},
  functions: { notepad: { _type: 'per_user_notepad' }, preferences: { _type: 'per_user_preferences' } },
  workflow: { _type: 'per_user_assistant', notepad_name: 'notepad', preferences_name: 'preferences' },
  batch_workflows: [{ id: 'notes', name: 'Notes', nodes }],
});
const load = (document: object, env: NodeJS.ProcessEnv = {}) => loadApplication({ config: document as never, plugins: [PerUserWorkflowExampleModule] }, env);
const CLUSTER = { redis_url: 'redis://127.0.0.1:6379' };
const SECRET = 'x'.repeat(32);

describe('loadApplication: batch runs in cluster mode need the cluster secret', () => {
  it('refuses a cluster whose batch workflows call functions without general.cluster.secret, saying which and how to fix it', () => {
    let error: unknown;
    try {
      load(config(CLUSTER));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: 'general.cluster.secret', message: expect.stringContaining('batch_workflows.notes.add') }]);
    expect((error as Error).message).toContain('Set USERSCOPE_CLUSTER_SECRET');
  });

  it('starts with the secret from the environment or the file, and without one when no node calls a function', () => {
    expect(() => load(config(CLUSTER), { USERSCOPE_CLUSTER_SECRET: SECRET })).not.toThrow();
    expect(() => load(config({ ...CLUSTER, secret: SECRET }))).not.toThrow();
    expect(() => load(config(CLUSTER, [{ id: 'hi', type: 'template', template: 'Hello {{user:name}}' }] as never))).not.toThrow();
  });

  it('refuses a short secret, and leaves a single process alone when only the secret is set', () => {
    expect(() => load(config(CLUSTER), { USERSCOPE_CLUSTER_SECRET: 'short' })).toThrow(/general\.cluster\.secret: must be at least 32 characters/);
    expect(() => load(config(undefined), { USERSCOPE_CLUSTER_SECRET: SECRET })).not.toThrow();
  });
});

describe('loadApplication: tracing', () => {
  const moduleNames = (document: object, env: NodeJS.ProcessEnv = {}) => load(document, env).modules.map((module) => module.module.name);
  const traced = (telemetry: Record<string, unknown>) => ({ ...config(undefined), general: { telemetry } });

  it('imports the telemetry module only when general.telemetry.tracing is configured', () => {
    expect(moduleNames(config(undefined))).not.toContain('TelemetryModule');
    const tracing = { collector: { _type: 'otelcollector', endpoint: 'http://127.0.0.1:4318/v1/traces' } };
    expect(moduleNames(traced({ tracing }), { USERSCOPE_TELEMETRY_USER_ID_KEY: SECRET })).toContain('TelemetryModule');
  });

  it("checks the tracing section with the rest of the config", () => {
    expect(() => load(traced({ tracing: { collector: { _type: 'otelcollector' } } }), { USERSCOPE_TELEMETRY_USER_ID_KEY: SECRET })).toThrow(
      /general\.telemetry\.tracing\.collector\.endpoint: must be an http\(s\) URL/,
    );
  });
});
