import type { ChatRequest } from '@userscope/llm';
import type { ResponseInputItem, ResponseTextPart } from './dto/response-object.dto';
import { asResponseFormat, ResponsesRequest } from './dto/responses-request.dto';

type ChatMessageBody = ChatRequest['messages'][number];

/** The text of a message's content or a function's output (refusals read as text). */
function textOf(content: string | ResponseTextPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? (part as { refusal?: string }).refusal ?? '').join('');
}

/**
 * Items as the chat workflow's messages: a function_call joins the assistant message before it (or
 * starts one) as a tool call, so that a turn that wrote text and called tools is one message, as
 * the chat agent made it; a function_call_output is the `tool` message that answers it.
 */
export function chatMessagesOf(items: ResponseInputItem[]): ChatMessageBody[] {
  const messages: ChatMessageBody[] = [];
  for (const item of items) {
    if (item.type === 'function_call') {
      const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (item.type === 'function_call_output') {
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: textOf(item.output) });
    } else {
      messages.push({ role: item.role, content: textOf(item.content) });
    }
  }
  return messages;
}

/**
 * The chat request of a Responses request: the conversation it continues (`history`, the stored
 * chain of `previous_response_id`), `instructions` as a system message, then its own items; tools,
 * tool choice and `text.format` in the chat route's terms.
 */
export function chatRequestOf(request: ResponsesRequest, history: ResponseInputItem[], input: ResponseInputItem[]): ChatRequest {
  const instructions: ResponseInputItem[] = request.instructions ? [{ role: 'system', content: request.instructions }] : [];
  const choice = request.tool_choice;
  const format = request.text?.format;
  const chat: Partial<ChatRequest> = {
    messages: chatMessagesOf([...history, ...instructions, ...input]) as ChatRequest['messages'],
    tools: request.tools?.map(({ name, description, parameters, strict }) => ({
      type: 'function' as const,
      function: { name, ...(description == null ? {} : { description }), ...(parameters == null ? {} : { parameters }), ...(strict == null ? {} : { strict }) },
    })),
    tool_choice: typeof choice === 'object' ? { type: 'function', function: { name: choice.name } } : choice,
    parallel_tool_calls: request.parallel_tool_calls,
    temperature: request.temperature,
    top_p: request.top_p,
    max_tokens: request.max_output_tokens,
    response_format: format && format.type !== 'text' ? (asResponseFormat(format) as ChatRequest['response_format']) : undefined,
  };
  return Object.fromEntries(Object.entries(chat).filter(([, value]) => value !== undefined)) as unknown as ChatRequest;
}
