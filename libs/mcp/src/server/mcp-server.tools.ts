import { Inject, Injectable } from '@nestjs/common';
import { FRONT_END_CONFIG_SECTION } from '@userscope/http';
import {
  ConfigError,
  ConfiguredFunction,
  configSection,
  FunctionCatalog,
  InvalidInputError,
  toolInput,
  toolParameters,
  USERSCOPE_CONFIG,
  UserInvoker,
  UserscopeConfig,
  WorkflowRunner,
} from '@userscope/runtime';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpServerMessages } from './mcp-server.messages';

/** MCP's rule for tool names. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

interface ServedTool {
  definition: Tool;
  wrapped: boolean;
  /** Runs the tool's input as `userId`. */
  run(userId: string, input: unknown, signal: AbortSignal): Promise<unknown>;
}

/**
 * What `/mcp` offers as tools: the workflow (named by its `_type`), and the functions listed in
 * `general.front_end.mcp.tool_names`, each with its input JSON schema and description from the
 * function catalog. A call runs as the caller, on their own per-user instances.
 */
@Injectable()
export class McpServerTools {
  private readonly tools = new Map<string, ServedTool>();

  constructor(
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
    catalog: FunctionCatalog,
    runner: WorkflowRunner,
    invoker: UserInvoker,
  ) {
    const workflow = catalog.workflow;
    this.add(workflow, workflow.type.name, (userId, input) => runner.run({ userId }, input));
    const names = configSection(config, FRONT_END_CONFIG_SECTION).mcp.tool_names;
    const unknown = names.filter((name) => !catalog.get(name));
    if (unknown.length > 0) {
      throw new ConfigError(config.file, unknown.map((name) => ({ path: 'general.front_end.mcp.tool_names', message: McpServerMessages.unknownTool(name, catalog.names()) })));
    }
    for (const name of names) {
      this.add(catalog.get(name)!, name, (userId, input, signal) => invoker.runAs(userId, (calls) => calls.invoke(name, input, signal)));
    }
  }

  get definitions(): Tool[] {
    return [...this.tools.values()].map((tool) => tool.definition);
  }

  /** Runs tool `name` as `userId`. What the caller got wrong, or the function threw, is a tool error the client's model sees. */
  async call(userId: string, name: string, args: unknown, signal: AbortSignal): Promise<CallToolResult> {
    const tool = this.tools.get(name);
    if (!tool) return toolError(McpServerMessages.noSuchTool(name, [...this.tools.keys()]));
    try {
      const output = await tool.run(userId, toolInput(args ?? {}, tool.wrapped), signal);
      return { content: [{ type: 'text', text: typeof output === 'string' ? output : JSON.stringify(output ?? null) }] };
    } catch (error) {
      if (error instanceof InvalidInputError) return toolError(JSON.stringify({ error: error.message, details: error.fieldErrors }));
      return toolError((error as Error)?.message ?? String(error));
    }
  }

  private add(fn: ConfiguredFunction, name: string, run: ServedTool['run']): void {
    const toolName = TOOL_NAME.test(name) ? name : name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128);
    const { parameters, wrapped } = toolParameters(fn.type.inputSchema);
    const definition: Tool = {
      name: toolName,
      description: fn.type.description ?? McpServerMessages.toolWithoutDescription(name),
      inputSchema: parameters as Tool['inputSchema'],
    };
    this.tools.set(toolName, { definition, wrapped, run });
  }
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
