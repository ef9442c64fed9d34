import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { McpGroupListing } from '../mcp-tool-list.controller';

/** One user's MCP session of a group (or a shared group's slot): its health, never its credentials. */
export class McpUserSessionReply {
  @ApiProperty({ description: 'The user (a shared group: the user holding the slot)' }) user_id!: string;
  @ApiProperty() group!: string;
  @ApiProperty({ description: 'Whether the MCP session is open' }) connected!: boolean;
  @ApiPropertyOptional({ description: 'The MCP session id (Streamable HTTP)' }) session_id?: string;
  @ApiProperty({ type: [String], description: 'The tools the server listed' }) tools!: string[];
  @ApiPropertyOptional({ description: 'The last failure of a call or of connecting' }) last_error?: string;
}

/** One MCP client group: its server's transport, its selection, each user's session. */
export class McpGroupReply implements McpGroupListing {
  @ApiProperty() group!: string;
  @ApiProperty({ enum: ['per_user_mcp_client', 'mcp_client'] }) type!: string;
  @ApiProperty({ enum: ['streamable-http', 'sse', 'stdio'] }) transport!: string;
  @ApiPropertyOptional({ type: [String] }) include?: string[];
  @ApiPropertyOptional({ type: [String] }) exclude?: string[];
  @ApiProperty({ type: [McpUserSessionReply] }) users!: McpUserSessionReply[];
}

/** `GET /mcp/client/tool/list`. */
export class McpToolListReply {
  @ApiProperty({ type: [McpGroupReply] }) groups!: McpGroupReply[];
}
