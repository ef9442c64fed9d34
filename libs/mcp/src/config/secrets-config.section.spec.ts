import 'reflect-metadata';
import { ConfigIssue } from '@userscope/runtime';
import { SECRETS_CONFIG_SECTION, SecretsConfig } from './secrets-config.section';

function check(value: unknown): { config: SecretsConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const config = SECRETS_CONFIG_SECTION.check(value, { issues } as never) as SecretsConfig;
  return { config, issues };
}

describe('general.secrets', () => {
  it('allows 100 secrets a user, of 8192 characters each, unless told otherwise', () => {
    expect({ ...check(undefined).config }).toEqual({ max_per_user: 100, max_value_length: 8192 });
    expect({ ...check({ max_per_user: 5, max_value_length: 100 }).config }).toEqual({ max_per_user: 5, max_value_length: 100 });
  });

  it('refuses limits out of range and unknown keys, naming them', () => {
    expect(check({ max_per_user: 0 }).issues.map((issue) => issue.path)).toEqual(['general.secrets.max_per_user']);
    expect(check({ max_value_length: 1_000_000 }).issues.map((issue) => issue.path)).toEqual(['general.secrets.max_value_length']);
    expect(check({ max_secrets: 5 }).issues).toEqual([expect.objectContaining({ message: expect.stringMatching(/unknown key 'max_secrets'/) })]);
  });
});
