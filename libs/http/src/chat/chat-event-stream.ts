import { randomUUID } from 'node:crypto';
import { ChatResponse, ChatResponseChunk } from '@userscope/llm';
import { ErrorBody } from '@userscope/runtime';
import { EventStreamFormat } from '../event-stream.writer';
import { openAiErrorBody } from './openai-error.filter';

/**
 * OpenAI's event stream: `data: <chat.completion.chunk>` events, then `data: [DONE]`. A failure once
 * the stream has started is `data: {"error": {...}}`, which OpenAI clients raise as an error.
 */
export const CHAT_EVENT_STREAM: EventStreamFormat = {
  end: 'data: [DONE]\n\n',
  error: (body: ErrorBody, status: number) => `data: ${JSON.stringify({ error: openAiErrorBody(status, body) })}\n\n`,
};

/** A chat reply as the chat routes send it: named by the served model name (`general.front_end.model_name`). */
export function asServedReply(reply: ChatResponse, model: string): ChatResponse {
  return { ...reply, model };
}

/**
 * A chat workflow's stream as chunks named by the served model name: one that has no streaming output
 * answers once, with a whole reply.
 */
export async function* asChatChunks(items: AsyncIterable<unknown>, model: string): AsyncIterable<ChatResponseChunk> {
  for await (const item of items) {
    if ((item as ChatResponse)?.object === 'chat.completion') yield* replyAsChunks(item as ChatResponse, model);
    else yield { ...(item as ChatResponseChunk), model };
  }
}

function replyAsChunks(reply: ChatResponse, model: string): ChatResponseChunk[] {
  const base = { id: reply.id ?? `chatcmpl-${randomUUID()}`, object: 'chat.completion.chunk' as const, created: reply.created, model };
  const choice = reply.choices[0];
  const toolCalls = choice?.message.tool_calls?.map((call, index) => ({ index, ...call }));
  return [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: choice?.message.content ?? '', ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? 'stop' }], usage: reply.usage },
  ];
}
