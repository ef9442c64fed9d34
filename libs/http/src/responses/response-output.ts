import type { ChatResponse, ChatToolCall, ChatUsage } from '@userscope/llm';
import type { ResponseFunctionCall, ResponseObject, ResponseOutputItem, ResponseOutputMessage, ResponseUsage } from './dto/response-object.dto';
import type { ResponsesRequest } from './dto/responses-request.dto';
import { outputItemId } from './response-ids';

/** A response before it has output: what `response.created` of a stream shows, and what the answer is built on. */
export function responseShell(id: string, request: ResponsesRequest, model: string): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    store: request.store !== false,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: (request.tools ?? []).map((tool) => ({ description: null, parameters: null, strict: null, ...tool })),
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    metadata: request.metadata ?? {},
  };
}

export function messageItem(responseId: string, index: number, text: string, status: ResponseOutputMessage['status'] = 'completed'): ResponseOutputMessage {
  return { type: 'message', id: outputItemId(responseId, 'msg', index), status, role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
}

export function functionCallItem(responseId: string, index: number, call: ChatToolCall, status: ResponseFunctionCall['status'] = 'completed'): ResponseFunctionCall {
  return { type: 'function_call', id: outputItemId(responseId, 'fc', index), call_id: call.id, name: call.function.name, arguments: call.function.arguments, status };
}

export function responseUsage(usage: ChatUsage | null | undefined): ResponseUsage | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}

/** A finished response: its output, its status from the chat finish reason (`length` is incomplete), its usage. */
export function finishedResponse(shell: ResponseObject, output: ResponseOutputItem[], finishReason: string | null, usage: ChatUsage | null | undefined): ResponseObject {
  const incomplete = finishReason === 'length' ? 'max_output_tokens' : finishReason === 'content_filter' ? 'content_filter' : undefined;
  return {
    ...shell,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: incomplete } : null,
    output,
    usage: responseUsage(usage),
  };
}

/** The chat workflow's reply as a response: its text as a message item, the client's tool calls as function_call items. */
export function responseOf(shell: ResponseObject, reply: ChatResponse): ResponseObject {
  const choice = reply.choices[0];
  const output: ResponseOutputItem[] = [];
  const text = choice?.message.content;
  const calls = choice?.message.tool_calls ?? [];
  if (text || calls.length === 0) output.push(messageItem(shell.id, 0, text ?? ''));
  calls.forEach((call) => output.push(functionCallItem(shell.id, output.length, call)));
  return finishedResponse(shell, output, choice?.finish_reason ?? 'stop', reply.usage);
}
