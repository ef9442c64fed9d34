import 'reflect-metadata';
import { UserscopeConfig } from '@userscope/runtime';
import { PerUserMcpClientGroup } from '../client/per-user-mcp-client.group';
import { SharedMcpClientGroup } from '../client/shared-mcp-client.group';
import { mcpConfigIssues } from './mcp-startup.checks';

/** A config of one MCP client group, as far as the checks read it. */
function configOf(target: unknown, group: Record<string, unknown>): UserscopeConfig {
  const server = { transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' };
  const entry = { name: 'tickets', path: 'function_groups.tickets', type: { target }, config: { server, headers: {}, tool_overrides: {}, ...group } };
  return { file: 'test.yml', groups: new Map([['tickets', entry]]) } as unknown as UserscopeConfig;
}

const setup = { secretsKeySet: true, identityVerified: true };

describe('MCP startup checks', () => {
  it('refuses tool overrides that are not {alias, description}, bad aliases and an alias given twice, naming each', () => {
    const overrides = {
      create: { alias: 'open' },
      update: { alias: 'open' },
      remove: { alias: 'bad name' },
      list: 'not a mapping',
      get: { alias: 'fetch', title: 'x' },
      find: { description: 7 },
    };
    const { errors } = mcpConfigIssues(configOf(PerUserMcpClientGroup, { tool_overrides: overrides }), setup);
    expect(errors.map((error) => [error.path, error.message])).toEqual([
      ['function_groups.tickets.tool_overrides.update.alias', "alias 'open' is already the alias of tool 'create': each function needs its own name"],
      ['function_groups.tickets.tool_overrides.remove.alias', expect.stringMatching(/^an alias must match/)],
      ['function_groups.tickets.tool_overrides.list', expect.stringMatching(/mapping of alias/)],
      ['function_groups.tickets.tool_overrides.get.title', expect.stringMatching(/mapping of alias/)],
      ['function_groups.tickets.tool_overrides.find.description', 'must be a string'],
    ]);
  });

  it('refuses templates in an mcp_client, and unknown templates in a per_user_mcp_client, by key', () => {
    const shared = mcpConfigIssues(configOf(SharedMcpClientGroup, { headers: { Authorization: 'Bearer {{secret:t}}' } }), setup);
    expect(shared.errors).toEqual([{ path: 'function_groups.tickets.headers', message: expect.stringMatching(/mcp_client takes no templates/) }]);
    const perUser = mcpConfigIssues(configOf(PerUserMcpClientGroup, { server: { transport: 'stdio', command: 'x', env: { HOME: '{{env:HOME}}' } } }), setup);
    expect(perUser.errors).toEqual([{ path: 'function_groups.tickets.server.env', message: expect.stringMatching(/unknown template '\{\{env:HOME\}\}'/) }]);
  });

  it('stops the start when secrets are used without USERSCOPE_SECRETS_KEY', () => {
    const { errors } = mcpConfigIssues(configOf(PerUserMcpClientGroup, { headers: { Authorization: 'Bearer {{secret:t}}' } }), { ...setup, secretsKeySet: false });
    expect(errors).toEqual([{ path: 'function_groups.tickets', message: expect.stringMatching(/USERSCOPE_SECRETS_KEY is not set/) }]);
  });
});
