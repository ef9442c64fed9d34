import { LlmChatRequest, LlmChatResult, LlmProvider, LlmStreamEvent, LlmUsage, ProviderReply, ProviderStreamEvent } from './interfaces/llm.interface';
import { UserBudget } from './limits/user.budget';
import { Reservation } from './limits/budget-counter.interface';
import { RetryPolicy } from './retry.policy';
import { StructuredOutput, StructuredRequest, StructuredResult } from './structured-output';
import { countUsage } from './token.counter';
import { LlmCaller, TokenAccounting } from './token.accounting';
import { LlmRateLimiter } from './rate-limit/llm-rate.limiter';

/**
 * A configured LLM, as functions use it (`llms.get('main')`, `@InjectLlm('main')`). Shared by every
 * user; each call's tokens are recorded for the user whose request made it, and each result carries
 * its own usage. Calls are retried by the LLM's RetryPolicy; a stream is retried until the server
 * has accepted it, not once text flows. With a `rate_limit`, every attempt waits for its limiter
 * first, and each call's tokens are counted in it once the call is done.
 */
export class LlmClient {
  private readonly structuredOutput: StructuredOutput;

  constructor(
    /** Its name in the `llms:` section. */
    readonly name: string,
    /** Its `_type`. */
    readonly type: string,
    private readonly provider: LlmProvider,
    readonly retryPolicy: RetryPolicy,
    private readonly accounting: TokenAccounting,
    private readonly rateLimiter?: LlmRateLimiter,
    /** The users' budgets (`general.limits`): a call's worst case is reserved before it, settled after. */
    private readonly budget?: UserBudget,
  ) {
    this.structuredOutput = new StructuredOutput(name, provider.structuredOutput, (request) => this.chat(request));
  }

  /** The configured model name. */
  get model(): string {
    return this.provider.model;
  }

  /** How structured output is asked of it: `instructions` when its server has no `response_format`. */
  get structuredOutputMode(): LlmProvider['structuredOutput'] {
    return this.provider.structuredOutput;
  }

  /** One reply: text, or tool calls. Throws an LlmError naming this LLM. */
  async chat(request: LlmChatRequest): Promise<LlmChatResult> {
    const caller = this.accounting.caller();
    const reserving = this.reserve(request, caller);
    const reservation = reserving && (await reserving);
    let usage: LlmUsage | undefined;
    try {
      // Without a rate limit nothing is awaited for one: every await is a promise (two with async_hooks on), on every call.
      const { rateLimiter } = this;
      const reply = await this.retryPolicy.run(
        rateLimiter
          ? async () => {
              await rateLimiter.acquire(request.signal);
              return this.provider.complete(request);
            }
          : () => this.provider.complete(request),
        request.signal,
      );
      const result = this.settle(request, reply, caller);
      usage = result.usage;
      if (rateLimiter) await rateLimiter.addTokens(result.usage.total_tokens);
      return result;
    } finally {
      if (reservation) await this.budget!.settle(this.name, reservation, usage);
    }
  }

  /**
   * One reply as it is written: `content` events, then one `result` with the whole reply. Leaving
   * the iteration early cancels the request; the tokens of a reply cut short are still recorded.
   */
  async *stream(request: LlmChatRequest): AsyncGenerator<LlmStreamEvent> {
    const caller = this.accounting.caller();
    const reservation = await this.reserve(request, caller);
    let usage: LlmUsage | undefined;
    let events: AsyncIterable<ProviderStreamEvent>;
    try {
      events = await this.retryPolicy.run(async () => {
        await this.rateLimiter?.acquire(request.signal);
        return this.provider.openStream(request);
      }, request.signal);
    } catch (error) {
      await this.budget?.settle(this.name, reservation, undefined);
      throw error;
    }
    let text = '';
    let settled = false;
    try {
      for await (const event of events) {
        if (event.type === 'content') {
          text += event.text;
          yield event;
        } else {
          settled = true;
          const result = this.settle(request, event.reply, caller);
          usage = result.usage;
          await this.rateLimiter?.addTokens(result.usage.total_tokens);
          yield { type: 'result', result };
        }
      }
    } finally {
      if (!settled) {
        usage = countUsage(request.messages, request.tools, { role: 'assistant', content: text });
        this.accounting.record(this.name, usage, caller, this.model);
        await this.rateLimiter?.addTokens(usage.total_tokens);
      }
      await this.budget?.settle(this.name, reservation, usage);
    }
  }

  /** JSON matching `request.schema`, validated; a StructuredOutputError (with the raw reply) otherwise. */
  structured<T = unknown>(request: StructuredRequest): Promise<StructuredResult<T>> {
    return this.structuredOutput.request<T>(request);
  }

  /** The call's reservation in the caller's budgets; undefined, without asking, when nothing limits the caller. */
  private reserve(request: LlmChatRequest, caller: LlmCaller): Promise<Reservation | undefined> | undefined {
    const userId = caller.session?.userId;
    if (!this.budget || this.budget.limitsNothingNow(userId)) return undefined;
    return this.budget.reserve(this.name, request, userId);
  }

  /** The reply with its usage — the server's, else counted — recorded for the caller. */
  private settle(request: LlmChatRequest, reply: ProviderReply, caller: LlmCaller): LlmChatResult {
    const usage = reply.usage ?? countUsage(request.messages, request.tools, reply.message);
    this.accounting.record(this.name, usage, caller, reply.model ?? this.model);
    return {
      message: reply.message,
      finishReason: reply.finishReason,
      usage,
      usageSource: reply.usage ? 'server' : 'tokenizer',
      model: reply.model,
    };
  }
}
