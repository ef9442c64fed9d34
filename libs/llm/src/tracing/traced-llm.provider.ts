import { Attributes, Span, SpanKind } from '@opentelemetry/api';
import { asJsonText, genAiTracingOptions, inGenAiSpan, markFailed, startGenAiSpan } from '@userscope/runtime';
import { LlmChatRequest, LlmProvider, ProviderReply, ProviderStreamEvent } from '../interfaces/llm.interface';
import { countUsage } from '../token.counter';

/**
 * An LLM provider whose every attempt is a `chat <model>` span (GenAI conventions), a child of the
 * running agent's or tool's: the models asked and answering, the tokens (the server's, else counted
 * as the LlmClient counts them), and prompt and reply only with `capture_content: true`. Without a
 * tracer provider the spans are the API's no-ops and nothing here is computed.
 */
export class TracedLlmProvider implements LlmProvider {
  constructor(
    private readonly provider: LlmProvider,
    /** The LLM's `_type`, as `gen_ai.provider.name`. */
    private readonly type: string,
  ) {}

  get model(): string {
    return this.provider.model;
  }

  get structuredOutput(): LlmProvider['structuredOutput'] {
    return this.provider.structuredOutput;
  }

  complete(request: LlmChatRequest): Promise<ProviderReply> {
    return inGenAiSpan(this.spanName, SpanKind.CLIENT, () => this.requestAttributes(request), (span) => {
      const replying = this.provider.complete(request);
      // Tracing off, the span records nothing: the provider's promise as it is, without an async frame.
      if (!span.isRecording()) return replying;
      return replying.then((reply) => {
        recordReply(span, request, reply);
        return reply;
      });
    });
  }

  async openStream(request: LlmChatRequest): Promise<AsyncIterable<ProviderStreamEvent>> {
    const span = startGenAiSpan(this.spanName, SpanKind.CLIENT, () => this.requestAttributes(request));
    let events: AsyncIterable<ProviderStreamEvent>;
    try {
      events = await this.provider.openStream(request);
    } catch (error) {
      markFailed(span, error);
      span.end();
      throw error;
    }
    return recordedEvents(span, request, events);
  }

  private get spanName(): string {
    return `chat ${this.provider.model}`;
  }

  private requestAttributes(request: LlmChatRequest): Attributes {
    return {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': this.type,
      'gen_ai.request.model': this.provider.model,
      ...(request.maxTokens === undefined ? {} : { 'gen_ai.request.max_tokens': request.maxTokens }),
      ...(request.temperature === undefined ? {} : { 'gen_ai.request.temperature': request.temperature }),
      ...(genAiTracingOptions().captureContent ? { 'gen_ai.input.messages': asJsonText(request.messages) } : {}),
    };
  }
}

/** The stream's events as they pass; its end records the reply, and ends the span however the stream ends. */
async function* recordedEvents(span: Span, request: LlmChatRequest, events: AsyncIterable<ProviderStreamEvent>): AsyncGenerator<ProviderStreamEvent> {
  let text = '';
  let ended = false;
  try {
    for await (const event of events) {
      if (event.type === 'content') text += event.text;
      else {
        ended = true;
        recordReply(span, request, event.reply);
      }
      yield event;
    }
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    // A reply cut short: its tokens counted from the text written, as the LlmClient records them.
    if (!ended && span.isRecording()) recordUsage(span, countUsage(request.messages, request.tools, { role: 'assistant', content: text }));
    span.end();
  }
}

function recordReply(span: Span, request: LlmChatRequest, reply: ProviderReply): void {
  if (!span.isRecording()) return;
  span.setAttributes({
    'gen_ai.response.model': reply.model,
    'gen_ai.response.finish_reasons': [reply.finishReason],
  });
  recordUsage(span, reply.usage ?? countUsage(request.messages, request.tools, reply.message));
  if (genAiTracingOptions().captureContent) span.setAttribute('gen_ai.output.messages', asJsonText([reply.message]));
}

function recordUsage(span: Span, usage: { prompt_tokens: number; completion_tokens: number }): void {
  span.setAttributes({ 'gen_ai.usage.input_tokens': usage.prompt_tokens, 'gen_ai.usage.output_tokens': usage.completion_tokens });
}
