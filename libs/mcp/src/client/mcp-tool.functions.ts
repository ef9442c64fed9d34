import Ajv, { ValidateFunction } from 'ajv';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { DiscoveredFunction, GROUP_FUNCTION_SEPARATOR, InvalidInputError, isSelected } from '@userscope/runtime';
import { McpClientConfig } from '../config/mcp-client.config';
import { McpMessages } from '../mcp.messages';
import { McpConnection } from './mcp.connection';

/**
 * An MCP server's tools as a group's functions: named by their alias (`tool_overrides`), filtered by
 * `include`/`exclude`, their input checked against the tool's schema before the call, their result
 * turned into a value.
 */
export class McpToolFunctions {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new WeakMap<Tool, ValidateFunction>();

  constructor(
    private readonly group: string,
    private readonly config: McpClientConfig,
    private readonly selection: { include?: string[]; exclude?: string[] },
  ) {}

  async list(connection: McpConnection, signal?: AbortSignal): Promise<DiscoveredFunction[]> {
    const tools = await connection.listTools(signal);
    return this.exposed(tools).map(({ name, tool }) => ({
      name,
      description: this.config.tool_overrides[tool.name]?.description ?? tool.description,
      inputSchema: tool.inputSchema as Record<string, unknown>,
    }));
  }

  /** Calls the function `name` (a tool, or its alias); an error result is thrown with the tool's text. */
  async invoke(connection: McpConnection, name: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    const tools = await connection.listTools(signal);
    const exposed = this.exposed(tools);
    const found = exposed.find((entry) => entry.name === name);
    if (!found) throw new Error(McpMessages.toolNotFound(this.group, name, exposed.map((entry) => entry.name)));
    const args = (input ?? {}) as Record<string, unknown>;
    this.check(found.tool, `${this.group}${GROUP_FUNCTION_SEPARATOR}${name}`, args);
    const result = await connection.callTool(found.tool.name, args, signal);
    const value = resultValue(result);
    if (result.isError) throw new Error(McpMessages.toolCallFailed(this.group, name, typeof value === 'string' ? value : JSON.stringify(value)));
    return value;
  }

  private exposed(tools: Tool[]): { name: string; tool: Tool }[] {
    return tools
      .map((tool) => ({ name: this.config.tool_overrides[tool.name]?.alias ?? tool.name, tool }))
      .filter((entry) => isSelected({ selection: this.selection }, entry.name));
  }

  private check(tool: Tool, functionName: string, args: unknown): void {
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      throw new InvalidInputError(functionName, [{ field: '', errors: ['must be a JSON object'] }]);
    }
    let validate = this.validators.get(tool);
    if (!validate) {
      validate = this.ajv.compile(tool.inputSchema);
      this.validators.set(tool, validate);
    }
    if (validate(args)) return;
    const errors = (validate.errors ?? []).map((error) => ({
      field: [error.instancePath.replace(/^\//, '').replace(/\//g, '.'), error.params?.missingProperty].filter(Boolean).join('.'),
      errors: [error.message ?? 'is invalid'],
    }));
    throw new InvalidInputError(functionName, errors);
  }
}

/** A tool's result as a value: its structured content, else its text, else its content blocks. */
function resultValue(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const content = result.content ?? [];
  if (content.every((block) => block.type === 'text')) return content.map((block) => (block as { text: string }).text).join('\n');
  return content;
}
