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
    if (group.type.target === SharedMcpClientGroup || group.type.target === PerUserMcpClientGroup) {
      errors.push(...toolOverrideIssues(`${group.path}.tool_overrides`, (group.config as McpClientConfig).tool_overrides));
    }
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

/** MCP's rule for a tool's name, which an alias becomes. */
const ALIAS = /^[A-Za-z0-9_.-]{1,128}$/;
const OVERRIDE_KEYS = ['alias', 'description'];

/** `tool_overrides`: each a mapping of `alias` (a tool name, not another tool's alias) and `description` (text). */
function toolOverrideIssues(path: string, overrides: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const aliases = new Map<string, string>();
  for (const [tool, override] of Object.entries(overrides)) {
    const at = `${path}.${tool}`;
    if (override === null || typeof override !== 'object' || Array.isArray(override)) {
      issues.push({ path: at, message: McpMessages.badToolOverride() });
      continue;
    }
    const { alias, description } = override as Record<string, unknown>;
    for (const key of Object.keys(override).filter((key) => !OVERRIDE_KEYS.includes(key))) issues.push({ path: `${at}.${key}`, message: McpMessages.badToolOverride() });
    if (alias !== undefined && (typeof alias !== 'string' || !ALIAS.test(alias))) issues.push({ path: `${at}.alias`, message: McpMessages.badAlias(ALIAS.source) });
    if (description !== undefined && typeof description !== 'string') issues.push({ path: `${at}.description`, message: 'must be a string' });
    if (typeof alias === 'string' && aliases.has(alias)) issues.push({ path: `${at}.alias`, message: McpMessages.aliasTaken(alias, aliases.get(alias)!) });
    if (typeof alias === 'string') aliases.set(alias, tool);
  }
  return issues;
}
