import { EchoLlmConfig } from '../config/echo-llm.config';
import { LlmChatRequest, LlmProvider, LlmToolCall, ProviderReply, ProviderStreamEvent } from '../interfaces/llm.interface';

/** `call <tool> <json arguments>`: the user message that makes the echo model call a tool. */
export const ECHO_TOOL_CALL = /^call\s+([A-Za-z0-9_-]+)(?:\s+([\s\S]*\S))?\s*$/;

/**
 * `_type: echo` — not an LLM: a deterministic stand-in so that a chat workflow runs offline, in demos
 * and tests. It replies with the last user message; after a tool call, with the tool's result; and to
 * `call <tool> <json>` (the tool being one it was given) with a call of that tool with those arguments.
 * Asked for JSON matching a schema (`response_format`), it replies with a value built from the schema:
 * strings are the last user message, numbers their minimum (or 0), arrays hold one item.
 * It reports no usage, so its tokens are counted with the tokenizer like any server's that sends none.
 */
export class EchoLlm implements LlmProvider {
  readonly model: string;
  readonly structuredOutput = 'json_schema' as const;
  private calls = 0;

  constructor(
    readonly name: string,
    config: EchoLlmConfig,
  ) {
    this.model = config.model_name;
  }

  async complete(request: LlmChatRequest): Promise<ProviderReply> {
    return this.reply(request);
  }

  async openStream(request: LlmChatRequest): Promise<AsyncIterable<ProviderStreamEvent>> {
    const reply = this.reply(request);
    return (async function* () {
      // Word by word, each with the spaces before it, as a model streams tokens.
      for (const text of reply.message.content?.match(/\s*\S+/g) ?? []) yield { type: 'content' as const, text };
      yield { type: 'end' as const, reply };
    })();
  }

  private reply(request: LlmChatRequest): ProviderReply {
    const last = request.messages[request.messages.length - 1];
    const text = last?.content ?? '';
    if (request.responseFormat) {
      const lastUser = [...request.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
      const schema = request.responseFormat.type === 'json_schema' ? request.responseFormat.json_schema.schema : { type: 'object' };
      const value = sampleOf(schema, lastUser);
      return { message: { role: 'assistant', content: JSON.stringify(value) }, finishReason: 'stop', model: this.model };
    }
    const call = last?.role === 'user' ? this.toolCall(text, request) : undefined;
    if (call) return { message: { role: 'assistant', content: null, tool_calls: [call] }, finishReason: 'tool_calls', model: this.model };
    return { message: { role: 'assistant', content: text }, finishReason: 'stop', model: this.model };
  }

  private toolCall(text: string, request: LlmChatRequest): LlmToolCall | undefined {
    const match = ECHO_TOOL_CALL.exec(text.trim());
    if (!match || !request.tools?.some((tool) => tool.function.name === match[1])) return undefined;
    return { id: `call_echo_${++this.calls}`, type: 'function', function: { name: match[1], arguments: match[2] ?? '{}' } };
  }
}

/** A value that matches `schema` (the common keywords), its strings being `text`. */
export function sampleOf(schema: unknown, text: string): unknown {
  const s = (schema ?? {}) as Record<string, any>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ('default' in s) return s.default;
  const variants = s.oneOf ?? s.anyOf ?? s.allOf;
  if (Array.isArray(variants) && variants.length > 0) return sampleOf(variants[0], text);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries((s.properties ?? {}) as Record<string, unknown>).map(([key, property]) => [key, sampleOf(property, text)]));
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sampleOf(s.items, text));
    case 'integer':
      return Math.ceil(s.minimum ?? s.exclusiveMinimum ?? 0);
    case 'number':
      return s.minimum ?? s.exclusiveMinimum ?? 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return text;
  }
}
