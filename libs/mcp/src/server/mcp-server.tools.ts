import { Inject, Injectable } from '@nestjs/common';
import { FRONT_END_CONFIG_SECTION } from '@userscope/http';
import {
  ConfigError,
  ConfiguredFunction,
  configSection,
  DiscoveredFunction,
  DiscoveredFunctionGroup,
  FunctionCatalog,
  InvalidInputError,
  SessionLifecycle,
  toolInput,
  toolParametersOf,
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
  /** For a function of a discovered group (an MCP client's tool): the group, and the function's name in it. */
  discovered?: { group: string; member: string };
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
    private readonly catalog: FunctionCatalog,
    private readonly lifecycle: SessionLifecycle,
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

  /**
   * The tools as `userId` sees them. A discovered group's function (an MCP client's tool) takes the
   * schema and description that the user's own instance of the group finds now; a group that cannot
   * list its functions (its server is down) keeps what was known at startup, and the call says why.
   */
  async definitionsFor(userId: string, signal: AbortSignal): Promise<Tool[]> {
    const tools = [...this.tools.values()];
    const groups = new Set(tools.flatMap((tool) => (tool.discovered ? [tool.discovered.group] : [])));
    if (groups.size === 0) return tools.map((tool) => tool.definition);
    const found = await this.lifecycle.runAs(userId, async (session) => {
      const byGroup = new Map<string, Map<string, DiscoveredFunction>>();
      for (const group of groups) {
        const instance = this.catalog.groupInstance(session, group) as DiscoveredFunctionGroup | undefined;
        const listed = await instance?.listFunctions(signal).catch(() => undefined);
        if (listed) byGroup.set(group, new Map(listed.map((fn) => [fn.name, fn])));
      }
      return byGroup;
    });
    return tools.map(({ definition, discovered }) => {
      const fn = discovered && found.get(discovered.group)?.get(discovered.member);
      return fn ? { ...definition, inputSchema: fn.inputSchema as Tool['inputSchema'], ...(fn.description ? { description: fn.description } : {}) } : definition;
    });
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
    const { parameters, wrapped } = toolParametersOf(fn);
    const definition: Tool = {
      name: toolName,
      description: fn.type.description ?? McpServerMessages.toolWithoutDescription(name),
      inputSchema: parameters as Tool['inputSchema'],
    };
    const discovered = fn.type.discovered !== undefined && fn.group ? { group: fn.group, member: fn.type.discovered } : undefined;
    this.tools.set(toolName, { definition, wrapped, run, ...(discovered ? { discovered } : {}) });
  }
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
