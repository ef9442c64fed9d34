import { Module } from '@nestjs/common';
import { UserscopePlugin } from '@userscope/runtime';
import { PerUserMcpClientGroup } from './client/per-user-mcp-client.group';
import { SharedMcpClientGroup } from './client/shared-mcp-client.group';

/** The `per_user_mcp_client` and `mcp_client` function group types, as a plugin. Needs `McpModule` in the application. */
@UserscopePlugin({ functions: [PerUserMcpClientGroup, SharedMcpClientGroup] })
@Module({})
export class McpClientPlugin {}
