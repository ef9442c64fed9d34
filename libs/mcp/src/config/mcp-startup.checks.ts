import { ConfigIssue, UserscopeConfig } from '@userscope/runtime';
import { identityConfigOf } from '@userscope/http';
import { PerUserMcpClientGroup } from '../client/per-user-mcp-client.group';
import { SharedMcpClientGroup } from '../client/shared-mcp-client.group';
import { placeholdersIn } from '../client/header.templates';
import { McpClientConfig } from './mcp-client.config';
import { McpMessages } from '../mcp.messages';
import { SECRETS_KEY_ENV } from '../secrets/secret.cipher';

/** What the MCP client groups of `config` need of the server's setup: errors that stop it, warnings for the log. */
export function mcpConfigIssues(config: UserscopeConfig, setup: { secretsKeySet: boolean; identityVerified: boolean }): { errors: ConfigIssue[]; warnings: string[] } {
  const errors: ConfigIssue[] = [];
  const warnings: string[] = [];
  const usingSecrets: string[] = [];
  for (const group of config.groups.values()) {
    if (group.type.target === SharedMcpClientGroup) {
      const { headers, server } = group.config as McpClientConfig;
      for (const [path, values] of [[`${group.path}.headers`, headers], [`${group.path}.server.env`, server.env ?? {}]] as const) {
        if (Object.values(values).some((value) => value.includes('{{'))) errors.push({ path, message: McpMessages.sharedTakesNoTemplates() });
      }
      continue;
    }
    if (group.type.target !== PerUserMcpClientGroup) continue;
    const { headers, server } = group.config as McpClientConfig;
    const placeholders: string[] = [];
    for (const [path, values] of [[`${group.path}.headers`, headers], [`${group.path}.server.env`, server.env ?? {}]] as const) {
      try {
        placeholders.push(...placeholdersIn(values));
      } catch (error) {
        errors.push({ path, message: (error as Error).message });
      }
    }
    if (placeholders.some((p) => p.startsWith('secret:'))) usingSecrets.push(group.path);
    if (placeholders.some((p) => p.startsWith('identity:')) && !setup.identityVerified) {
      warnings.push(McpMessages.identityUnverified(group.path, identityConfigOf(config).mode));
    }
  }
  if (usingSecrets.length > 0 && !setup.secretsKeySet) errors.push({ path: usingSecrets[0], message: McpMessages.secretsUsedWithoutKey(SECRETS_KEY_ENV, usingSecrets) });
  return { errors, warnings };
}
