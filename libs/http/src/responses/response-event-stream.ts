import type { ChatResponseChunk, ChatUsage } from '@userscope/llm';
import type { ErrorBody } from '@userscope/runtime';
import type { ResponseFunctionCall, ResponseObject, ResponseOutputItem, ResponseOutputMessage } from './dto/response-object.dto';
import { EventStreamFormat } from '../event-stream.writer';
import { openAiErrorBody } from '../chat/openai-error.filter';
import { finishedResponse, functionCallItem, messageItem } from './response-output';

/** One event of a streamed response, as the Responses API names them. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/**
 * The Responses API's event stream: `event: <type>` and `data: <event>` each; no end marker after
 * `response.completed`. A failure once it has started is an `error` event (OpenAI's fields, with
 * `error` too, which the openai client raises).
 */
export const RESPONSE_EVENT_STREAM: EventStreamFormat = {
  end: '',
  eventName: (event) => (event as ResponseStreamEvent).type,
  error: (body: ErrorBody, status: number) => {
    const error = openAiErrorBody(status, body);
    return `event: error\ndata: ${JSON.stringify({ type: 'error', sequence_number: -1, code: error.code, message: error.message, param: error.param, error })}\n\n`;
  },
};

/**
 * The chat workflow's chunks as the events of a response: `response.created`, then each output item
 * added, its text or arguments in deltas, and done; `response.completed` with the whole response
 * and its usage. `finish` runs before that (storing it), so a response the client saw completed is kept.
 */
export async function* responseEvents(
  chunks: AsyncIterable<ChatResponseChunk>,
  shell: ResponseObject,
  finish: (response: ResponseObject) => Promise<void>,
): AsyncIterable<ResponseStreamEvent> {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown> = {}): ResponseStreamEvent => ({ type, sequence_number: sequence++, ...fields });
  const output: ResponseOutputItem[] = [];
  let message: { item: ResponseOutputMessage; index: number } | undefined;
  const calls = new Map<number, { item: ResponseFunctionCall; index: number }>();
  let finishReason: string | null = null;
  let usage: ChatUsage | null | undefined;

  function* closeMessage(): Generator<ResponseStreamEvent> {
    if (!message) return;
    const { item, index } = message;
    const part = item.content[0];
    const at = { item_id: item.id, output_index: index, content_index: 0 };
    yield event('response.output_text.done', { ...at, text: part.text, logprobs: [] });
    yield event('response.content_part.done', { ...at, part });
    item.status = 'completed';
    yield event('response.output_item.done', { output_index: index, item });
    message = undefined;
  }

  function* closeCalls(): Generator<ResponseStreamEvent> {
    for (const { item, index } of calls.values()) {
      yield event('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: item.name, arguments: item.arguments });
      item.status = 'completed';
      yield event('response.output_item.done', { output_index: index, item });
    }
    calls.clear();
  }

  yield event('response.created', { response: shell });
  yield event('response.in_progress', { response: shell });
  for await (const chunk of chunks) {
    usage = chunk.usage ?? usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    finishReason = choice.finish_reason ?? finishReason;
    const { content, tool_calls: toolCalls } = choice.delta;
    if (content) {
      if (!message) {
        yield* closeCalls();
        const index = output.length;
        const item = messageItem(shell.id, index, '', 'in_progress');
        output.push(item);
        message = { item, index };
        yield event('response.output_item.added', { output_index: index, item: { ...item, content: [] } });
        yield event('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: { ...item.content[0] } });
      }
      message.item.content[0].text += content;
      yield event('response.output_text.delta', { item_id: message.item.id, output_index: message.index, content_index: 0, delta: content, logprobs: [] });
    }
    for (const delta of toolCalls ?? []) {
      yield* closeMessage();
      let call = calls.get(delta.index);
      if (!call) {
        const index = output.length;
        const item = functionCallItem(shell.id, index, { id: delta.id ?? '', type: 'function', function: { name: delta.function?.name ?? '', arguments: '' } }, 'in_progress');
        output.push(item);
        calls.set(delta.index, (call = { item, index }));
        yield event('response.output_item.added', { output_index: index, item: { ...item } });
      }
      const piece = delta.function?.arguments ?? '';
      if (!piece) continue;
      call.item.arguments += piece;
      yield event('response.function_call_arguments.delta', { item_id: call.item.id, output_index: call.index, delta: piece });
    }
  }
  yield* closeMessage();
  yield* closeCalls();
  const response = finishedResponse(shell, output, finishReason, usage);
  await finish(response);
  yield event(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
}
