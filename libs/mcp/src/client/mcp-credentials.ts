import { createHash } from 'node:crypto';
import { McpClientConfig } from '../config/mcp-client.config';
import { McpConnectionOptions } from './mcp.connection';
import { renderTemplates, TemplateSources } from './header.templates';

/** A connection's options for one user, and the hash of the credentials in them. */
export interface UserConnectionOptions {
  options: McpConnectionOptions;
  /** sha256 of the rendered headers and child env: a user whose token changes gets another key, so another client. */
  credentialHash: string;
}

/** The headers (and stdio env) of `config` rendered for one user. */
export async function userConnectionOptions(group: string, config: McpClientConfig, sources: TemplateSources): Promise<UserConnectionOptions> {
  const headers = await renderTemplates(config.headers, sources);
  const env = config.server.env ? await renderTemplates(config.server.env, sources, 'env') : undefined;
  const credentialHash = createHash('sha256').update(JSON.stringify({ headers, env })).digest('hex');
  return { options: { group, server: config.server, headers, ...(env ? { env } : {}), timeoutMs: config.tool_call_timeout * 1000 }, credentialHash };
}
