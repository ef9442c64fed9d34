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
