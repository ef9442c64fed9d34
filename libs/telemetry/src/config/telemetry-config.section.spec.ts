import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { readConfigFile, resolveConfig, scanPlugins } from '@userscope/runtime';
import { telemetryConfigOf, telemetryConfigSection } from './telemetry-config.section';

const SEED = `
functions:
  notepad: { _type: per_user_notepad }
  preferences: { _type: per_user_preferences }
workflow:
  _type: per_user_assistant
  notepad_name: notepad
  preferences_name: preferences
`;
const KEY = 'k'.repeat(32);

describe('general.telemetry.tracing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'userscope-telemetry-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (telemetry: string, env: NodeJS.ProcessEnv = {}) => {
    const file = join(dir, 'config.yml');
    writeFileSync(file, `general:\n  telemetry:\n${telemetry}${SEED}`);
    return telemetryConfigOf(resolveConfig(readConfigFile(file, env), scanPlugins([PerUserWorkflowExampleModule]), [telemetryConfigSection(env)]));
  };
  const exporter = (keys: string) => `    user_id_key: ${KEY}\n    tracing:\n      collector:\n        _type: otelcollector\n${keys}`;

  it("takes NAT's otelcollector shape, with content and raw user ids off by default", () => {
    expect(load(exporter('        endpoint: http://127.0.0.1:4318/v1/traces\n'))?.tracing.collector).toEqual({
      _type: 'otelcollector',
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      sample_ratio: 1,
      capture_content: false,
      include_user_id: false,
    });
  });

  it('takes header values from the environment and the pseudonym key from USERSCOPE_TELEMETRY_USER_ID_KEY', () => {
    const env = { TOKEN: 'abc', USERSCOPE_TELEMETRY_USER_ID_KEY: 'e'.repeat(40) };
    const config = load('    tracing:\n      c:\n        _type: otelcollector\n        endpoint: http://collector:4318/v1/traces\n        headers: { authorization: "Bearer ${TOKEN}" }\n', env);
    expect(config).toMatchObject({ user_id_key: 'e'.repeat(40), tracing: { c: { headers: { authorization: 'Bearer abc' } } } });
  });

  it('refuses another _type, a URL that is none, a sample_ratio outside 0..1 and headers that are not strings, saying which', () => {
    expect(() => load(exporter('        endpoint: http://127.0.0.1:4318/v1/traces\n').replace('otelcollector', 'phoenix'))).toThrow(
      /general\.telemetry\.tracing\.collector\._type: must be 'otelcollector'/,
    );
    expect(() => load(exporter('        endpoint: not a url\n'))).toThrow(/general\.telemetry\.tracing\.collector\.endpoint: must be an http\(s\) URL/);
    expect(() => load(exporter('        endpoint: http://c:4318/v1/traces\n        sample_ratio: 1.5\n'))).toThrow(/sample_ratio: must be a number from 0 to 1/);
    expect(() => load(exporter('        endpoint: http://c:4318/v1/traces\n        headers: { x-api-key: [1] }\n'))).toThrow(/collector\.headers: must be a mapping of header names to strings/);
  });

  it('needs a pseudonym key of 32 characters or more unless every exporter may see raw user ids', () => {
    const noKey = '    tracing:\n      c:\n        _type: otelcollector\n        endpoint: http://c:4318/v1/traces\n';
    expect(() => load(noKey)).toThrow(/general\.telemetry\.user_id_key: is needed to name users by an HMAC/);
    expect(() => load(`    user_id_key: short\n${noKey}`)).toThrow(/user_id_key: must be at least 32 characters/);
    expect(load(`${noKey}        include_user_id: true\n`)?.user_id_key).toBeUndefined();
  });

  it("accepts NAT's general.telemetry.logging next to tracing", () => {
    expect(load(`    logging:\n      console: { _type: console, level: WARN }\n${exporter('        endpoint: http://c:4318/v1/traces\n')}`)?.tracing.collector.endpoint).toBe('http://c:4318/v1/traces');
    expect(() => load(`    metrics: {}\n${exporter('        endpoint: http://c:4318/v1/traces\n')}`)).toThrow(/general\.telemetry\.metrics/);
  });

  it('refuses a tracing section without exporters', () => {
    expect(() => load('    tracing: {}\n')).toThrow(/general\.telemetry\.tracing: must name at least one exporter/);
  });
});
