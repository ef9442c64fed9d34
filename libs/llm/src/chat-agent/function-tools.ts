import { ConfiguredFunction, DiscoveredFunction, FieldError, Functions, InvalidInputError, toolInput, toolParameters, toolParametersOf } from '@userscope/runtime';
import { LlmMessage, LlmTool, LlmToolCall } from '../interfaces/llm.interface';
import { ChatAgentMessages } from './chat-agent.messages';

/** Where the chat agent's tools found it first; it lives in the runtime, which the MCP server shares. */
export { toolParameters };

/** OpenAI's rule for tool names. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

interface ToolBinding {
  /** The function's configured name, as `Functions.get()` takes it. */
  functionName: string;
  /** The input is not an object: the model passes it as `{input: ...}`. */
  wrapped: boolean;
  /** For a function of a discovered group (an MCP tool): the group, and the function's name in it. */
  discovered?: { group: string; member: string };
}

/**
 * Configured functions offered to a model as tools: each one's definition (its input JSON schema,
 * from the registry, with every `$ref` resolved), and the calls the model makes, run through the
 * user's `Functions` so a per-user function is the user's own instance.
 */
export class FunctionTools {
  /** The definitions, as OpenAI's `tools` takes them. */
  readonly definitions: LlmTool[] = [];
  private readonly bindings = new Map<string, ToolBinding>();

  constructor(functions: ConfiguredFunction[]) {
    for (const fn of functions) {
      const name = this.toolNameFor(fn.name);
      const { parameters, wrapped } = toolParametersOf(fn);
      const discovered = fn.type.discovered !== undefined && fn.group ? { group: fn.group, member: fn.type.discovered } : undefined;
      this.bindings.set(name, { functionName: fn.name, wrapped, ...(discovered ? { discovered } : {}) });
      this.definitions.push({
        type: 'function',
        function: { name, description: fn.type.description ?? ChatAgentMessages.toolWithoutDescription(fn.name), parameters },
      });
    }
  }

  get names(): string[] {
    return [...this.bindings.keys()];
  }

  /**
   * Fills in what the functions of discovered groups (MCP tools) take and do, as the user's own
   * instance of each group finds them now. A group that cannot list its functions (its server is
   * down) keeps what was known: the model may still call them, and sees the error the call gets.
   */
  async describeDiscovered(functions: Functions, signal?: AbortSignal): Promise<void> {
    const groups = new Set([...this.bindings.values()].flatMap((binding) => (binding.discovered ? [binding.discovered.group] : [])));
    for (const group of groups) {
      let found: DiscoveredFunction[];
      try {
        found = await functions.listDiscovered(group, signal);
      } catch {
        continue;
      }
      const byName = new Map(found.map((fn) => [fn.name, fn]));
      for (const definition of this.definitions) {
        const binding = this.bindings.get(definition.function.name)!;
        const fn = binding.discovered?.group === group ? byName.get(binding.discovered.member) : undefined;
        if (!fn) continue;
        definition.function.parameters = fn.inputSchema;
        if (fn.description) definition.function.description = fn.description;
      }
    }
  }

  /**
   * Runs one tool call and answers it with the function's output as JSON. A call the function
   * cannot take — an unknown tool, arguments that are not JSON or do not match its input, a
   * function that throws — is answered with the error, so that the model can correct itself.
   * `signal` (the turn's) is passed on to the function.
   */
  async run(call: LlmToolCall, functions: Functions, signal?: AbortSignal): Promise<Extract<LlmMessage, { role: 'tool' }>> {
    const answer = (content: string) => ({ role: 'tool' as const, tool_call_id: call.id, content });
    const binding = this.bindings.get(call.function.name);
    if (!binding) return answer(errorJson(ChatAgentMessages.unknownTool(call.function.name, this.names)));
    let args: unknown;
    try {
      args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
    } catch (error) {
      return answer(errorJson(ChatAgentMessages.argumentsNotJson(call.function.name, (error as Error).message)));
    }
    const input = toolInput(args, binding.wrapped);
    try {
      const output = await functions.get(binding.functionName).invoke(input as never, signal);
      return answer(typeof output === 'string' ? output : JSON.stringify(output ?? null));
    } catch (error) {
      if (error instanceof InvalidInputError) return answer(errorJson(ChatAgentMessages.invalidArguments(call.function.name), error.fieldErrors));
      return answer(errorJson(ChatAgentMessages.toolFailed(call.function.name, (error as Error)?.message ?? String(error))));
    }
  }

  /** The configured name where OpenAI allows it; `.` and other characters become `_`, kept unique. */
  private toolNameFor(functionName: string): string {
    const base = TOOL_NAME.test(functionName) ? functionName : functionName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
    let name = base;
    for (let n = 2; this.bindings.has(name); n++) name = `${base}_${n}`;
    return name;
  }
}

function errorJson(message: string, details?: FieldError[]): string {
  return JSON.stringify(details ? { error: message, details } : { error: message });
}
