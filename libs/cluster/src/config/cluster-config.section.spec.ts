import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { ConfigError, readConfigFile, resolveConfig, scanPlugins } from '@userscope/runtime';
import { clusterConfigOf, clusterConfigSection } from './cluster-config.section';

const SEED = `
functions:
  notepad: { _type: per_user_notepad }
  preferences: { _type: per_user_preferences }
workflow:
  _type: per_user_assistant
  notepad_name: notepad
  preferences_name: preferences
`;

describe('general.cluster.lease_ttl', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'userscope-cluster-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (leaseTtl: string) => {
    const file = join(dir, 'config.yml');
    writeFileSync(file, `general:\n  cluster:\n    redis_url: redis://127.0.0.1:6379\n    lease_ttl: ${leaseTtl}\n${SEED}`);
    const env = {};
    return clusterConfigOf(resolveConfig(readConfigFile(file, env), scanPlugins([PerUserWorkflowExampleModule]), [clusterConfigSection(env)]));
  };

  it('is a duration in seconds', () => {
    expect(load('3s')?.lease_ttl).toBe(3);
    expect(load('2m')?.lease_ttl).toBe(120);
  });

  it('refuses less than a second, saying why', () => {
    expect(() => load('0.2s')).toThrow(ConfigError);
    expect(() => load('0')).toThrow(/general\.cluster\.lease_ttl: must be at least 1s/);
  });
});

describe('general.cluster.forward_timeout and rebalance_after', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'userscope-cluster-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (keys: string) => {
    const file = join(dir, 'config.yml');
    writeFileSync(file, `general:\n  cluster:\n    redis_url: redis://127.0.0.1:6379\n${keys}${SEED}`);
    const env = {};
    return clusterConfigOf(resolveConfig(readConfigFile(file, env), scanPlugins([PerUserWorkflowExampleModule]), [clusterConfigSection(env)]));
  };

  it('default to 10 s and 3 forwarded requests', () => {
    expect(load('')).toMatchObject({ forward_timeout: 10, rebalance_after: 3 });
  });

  it('take a duration and a whole number (0: never hand over)', () => {
    expect(load('    forward_timeout: 1500ms\n    rebalance_after: 0\n')).toMatchObject({ forward_timeout: 1.5, rebalance_after: 0 });
  });

  it('refuse a forward_timeout under 100 ms and a rebalance_after that is not a whole number of requests, saying why', () => {
    expect(() => load('    forward_timeout: 50ms\n')).toThrow(/general\.cluster\.forward_timeout: must be at least 100ms/);
    expect(() => load('    rebalance_after: 1.5\n')).toThrow(/general\.cluster\.rebalance_after: must be a whole number of requests/);
    expect(() => load('    rebalance_after: -1\n')).toThrow(/general\.cluster\.rebalance_after/);
  });
});
