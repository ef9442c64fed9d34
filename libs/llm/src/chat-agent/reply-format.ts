import { ChatResponseFormat } from '../dto/chat-response-format.dto';
import { StructuredOutputError } from '../exceptions/llm.exception';
import { LlmChatRequest, LlmMessage } from '../interfaces/llm.interface';
import { LlmClient } from '../llm.client';
import { LlmMessages } from '../llm.messages';
import { checkStructuredReply } from '../structured-output';

/** `json_object` wants any JSON object. */
const ANY_OBJECT = { type: 'object' };

/**
 * A request's `response_format` on the structured-output path: asked of the model the way its LLM
 * takes it (`response_format`, or an instruction where its server has none), and the answer validated
 * as `LlmClient.structured()` validates one; an invalid answer gets one retry that says what was wrong.
 */
export class ReplyFormat {
  private constructor(
    private readonly llm: LlmClient,
    private readonly schema: Record<string, unknown>,
    private readonly responseFormat: NonNullable<LlmChatRequest['responseFormat']>,
  ) {}

  /** The format of `format`; undefined for plain text. */
  static of(format: ChatResponseFormat | undefined, llm: LlmClient): ReplyFormat | undefined {
    if (!format || format.type === 'text') return undefined;
    if (format.type === 'json_object') return new ReplyFormat(llm, ANY_OBJECT, { type: 'json_object' });
    const { name, schema = {}, strict } = format.json_schema!;
    return new ReplyFormat(llm, schema, { type: 'json_schema', json_schema: { name, schema, ...(strict === undefined ? {} : { strict }) } });
  }

  /** What each model call of the turn gets: the `response_format`, or the instruction first among its messages. */
  apply(request: LlmChatRequest): LlmChatRequest {
    if (this.llm.structuredOutputMode !== 'instructions') return { ...request, responseFormat: this.responseFormat };
    const [system, ...rest] = request.messages;
    return { ...request, messages: [system, { role: 'system', content: LlmMessages.structuredInstruction(JSON.stringify(this.schema)) }, ...rest] };
  }

  /**
   * An answer checked: its JSON (a code fence around it taken off) when valid; else the messages of the
   * retry (the reply and what was wrong with it). A second invalid answer throws StructuredOutputError,
   * with the reply and the problems.
   */
  check(raw: string, retried: boolean): { json: string } | { retry: LlmMessage[] } {
    const checked = checkStructuredReply(raw, this.schema);
    if (checked.ok) return { json: JSON.stringify(checked.value) };
    if (retried) throw new StructuredOutputError(this.llm.name, raw, checked.problems);
    return {
      retry: [
        { role: 'assistant', content: raw },
        { role: 'user', content: LlmMessages.structuredCorrection(checked.problems.join('; ')) },
      ],
    };
  }
}
