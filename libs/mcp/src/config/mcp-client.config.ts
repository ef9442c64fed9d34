import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Min, ValidateIf, ValidateNested } from 'class-validator';
import { IsDuration } from '@userscope/runtime';
import { ENV_NAME, HEADER_NAME, IsStringMap } from './string-map.validator';

export const MCP_TRANSPORTS = ['streamable-http', 'sse', 'stdio'] as const;
export type McpTransportName = (typeof MCP_TRANSPORTS)[number];

/** `server:` of an MCP client group: a URL (streamable-http, sse) or a command to start (stdio). */
export class McpServerConfig {
  @IsIn(MCP_TRANSPORTS, { message: `transport must be one of ${MCP_TRANSPORTS.join(', ')}` })
  transport!: McpTransportName;

  /** The server's endpoint, for streamable-http and sse. */
  @ValidateIf((server: McpServerConfig) => server.transport !== 'stdio')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'url must be an http(s) URL (required for streamable-http and sse)' })
  url?: string;

  /** The program to start, for stdio; one child per client. */
  @ValidateIf((server: McpServerConfig) => server.transport === 'stdio')
  @IsString({ message: 'command is required for stdio' })
  command?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  args?: string[];

  /** The child's environment (stdio); values may be templates like the headers'. */
  @IsOptional()
  @IsStringMap(ENV_NAME, 'environment variable')
  env?: Record<string, string>;
}

/** NAT's `tool_overrides.<tool>`: the name the function goes by and the description the model sees. */
export class McpToolOverride {
  @IsOptional()
  @IsString()
  alias?: string;

  @IsOptional()
  @IsString()
  description?: string;
}

/** What `mcp_client` and `per_user_mcp_client` share. `include`/`exclude` name the group's functions (a tool's alias when it has one). */
export class McpClientConfig {
  @ValidateNested()
  @Type(() => McpServerConfig)
  server!: McpServerConfig;

  /**
   * HTTP headers sent on every request to the server (streamable-http, sse). Values are templates:
   * `{{secret:name}}` is the user's secret `name`, `{{identity:user_id}}` the user's id, and
   * `{{identity:claims.X}}` the claim X of the user's last verified JWT (jwt mode).
   */
  @IsOptional()
  @IsStringMap(HEADER_NAME, 'header')
  headers: Record<string, string> = {};

  /** Longest wait for one tool call (and for connecting). */
  @IsDuration()
  @Min(0.001)
  tool_call_timeout: number = 60;

  @IsOptional()
  @IsObject()
  tool_overrides: Record<string, McpToolOverride> = {};
}

/** `per_user_mcp_client`: every user their own MCP client, with their own headers. */
export class PerUserMcpClientConfig extends McpClientConfig {}

/** `mcp_client`: an MCP server with no per-user credentials; one MCP session per user, within limits. */
export class SharedMcpClientConfig extends McpClientConfig {
  /** Most MCP sessions open at once; beyond it the least recently used idle one is closed. */
  @IsInt()
  @Min(1)
  max_sessions: number = 100;

  /** An MCP session unused this long is closed. */
  @IsDuration()
  @Min(0.001)
  session_idle_timeout: number = 3600;
}
