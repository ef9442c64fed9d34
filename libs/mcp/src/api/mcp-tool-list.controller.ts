import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminRoute } from '@userscope/http';
import { FunctionCatalog, SessionRegistry, USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { McpSessionStatus, PerUserMcpClientGroup } from '../client/per-user-mcp-client.group';
import { SharedMcpClientGroup } from '../client/shared-mcp-client.group';
import { mcpSessionsOf } from '../monitor/mcp-sessions.view';
import { McpToolListReply } from './dto/mcp-tool-list.reply';

/** One MCP client group: its server, its functions as configured, and each user's MCP session. */
export interface McpGroupListing {
  group: string;
  type: string;
  transport: string;
  include?: string[];
  exclude?: string[];
  users: (McpSessionStatus & { user_id: string })[];
}

/** NAT's `GET /mcp/client/tool/list`: the MCP client groups and their tools, with each user's health. Closed to the world. */
@ApiTags('mcp')
@AdminRoute()
@Controller('mcp/client/tool')
export class McpToolListController {
  constructor(
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
    private readonly registry: SessionRegistry,
    private readonly catalog: FunctionCatalog,
  ) {}

  @Get('list')
  @ApiOperation({ summary: "MCP client groups, their tools and each user's MCP session health (admin)" })
  @ApiQuery({ name: 'user_id', required: false, description: 'Only this user' })
  @ApiOkResponse({ type: McpToolListReply })
  list(@Query('user_id') userId?: string): { groups: McpGroupListing[] } {
    const sessions = userId === undefined ? [...this.registry.values()] : [this.registry.get(userId)].filter((s) => s !== undefined);
    const groups: McpGroupListing[] = [];
    for (const group of this.config.groups.values()) {
      if (group.type.target !== PerUserMcpClientGroup && group.type.target !== SharedMcpClientGroup) continue;
      const server = (group.config as { server: { transport: string } }).server;
      const users =
        group.type.target === PerUserMcpClientGroup
          ? sessions.flatMap((session) => mcpSessionsOf(session).filter((s) => s.group === group.name).map((s) => ({ user_id: session.userId, ...s })))
          : [...((this.catalog.groupInstance(undefined, group.name) as SharedMcpClientGroup | undefined)?.statuses() ?? [])]
              .filter(([id]) => userId === undefined || id === userId)
              .map(([id, s]) => ({ user_id: id, ...s }));
      groups.push({ group: group.name, type: group.type.name, transport: server.transport, ...group.selection, users });
    }
    return { groups };
  }
}
