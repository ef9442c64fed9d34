import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ResolvedLlmConfig } from '../config/llm-config.resolver';
import { LlmUsage } from '../interfaces/llm.interface';
import { LLM_CONFIGS } from '../llm.constants';
import { callCostMicros } from './call.cost';
import { USAGE_CONFIG, USAGE_STORE } from './usage.constants';
import { UsageConfig } from './usage.config';
import { UsageRecord } from './usage-record';
import { UsageStore } from './usage-store.interface';

/** Records are written in batches: at most this long after a call, or as soon as this many wait. */
const FLUSH_MS = 100;
const FLUSH_AT = 500;
/** Records kept waiting while the store is away; beyond, the oldest are dropped (and the loss logged). */
const MAX_WAITING = 100_000;

/** Who a call was made for, as the ledger records it. */
export interface UsageTags {
  userId?: string;
  runId?: string;
}

/**
 * The per-call usage records behind `GET /api/usage`: every LLM call's tokens and cost, who made it
 * and for which run. Calls are priced here (`llms.<name>.price`) and written in batches; a store
 * that is away keeps them waiting (up to 100,000) and they are written when it is back.
 */
@Injectable()
export class UsageLedger implements OnApplicationShutdown {
  private readonly logger = new Logger('Usage');
  private readonly prices = new Map<string, ResolvedLlmConfig['price']>();
  private waiting: UsageRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private dropped = 0;

  constructor(
    @Inject(USAGE_STORE) private readonly store: UsageStore,
    @Inject(USAGE_CONFIG) private readonly config: UsageConfig,
    @Inject(LLM_CONFIGS) llms: ResolvedLlmConfig[],
  ) {
    for (const llm of llms) this.prices.set(llm.name, llm.price);
  }

  /** Records one call of `llm`; returns its record (with its cost). */
  record(llm: string, model: string, usage: LlmUsage, tags: UsageTags, at = new Date()): UsageRecord {
    const price = this.prices.get(llm);
    const record: UsageRecord = {
      at: at.toISOString(),
      ...(tags.userId !== undefined ? { user_id: tags.userId } : {}),
      llm,
      model,
      ...(tags.runId !== undefined ? { run_id: tags.runId } : {}),
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      cached_tokens: usage.cached_tokens ?? 0,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      cost_micros: price ? callCostMicros(usage, price) : 0,
      ...(price ? { currency: price.currency } : {}),
    };
    this.waiting.push(record);
    if (this.waiting.length > MAX_WAITING) this.dropped += this.waiting.splice(0, this.waiting.length - MAX_WAITING).length;
    if (this.waiting.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
    return record;
  }

  /** Writes what waits; resolves once it is written (or the store refused it: it waits for the next try). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
      if (this.waiting.length > 0) this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS * 10).unref();
    });
    return this.flushing;
  }

  /** Every record of calls that ended from `from` to `to`, a day's chunk at a time (what waits included). */
  async *records(from: Date, to: Date): AsyncIterable<UsageRecord[]> {
    await this.flush();
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    for (let day = startOfDay(from); day <= to; day = new Date(day.getTime() + 24 * 3600 * 1000)) {
      for await (const chunk of this.store.readDay(day.toISOString().slice(0, 10))) {
        yield chunk.filter((record) => record.at >= fromIso && record.at <= toIso);
      }
    }
  }

  get retentionSeconds(): number {
    return this.config.retention;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
    if (this.waiting.length > 0) this.logger.warn(`${this.waiting.length} usage record(s) could not be written to ${this.store.name} before shutdown`);
    await this.store.close();
  }

  private async write(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    try {
      await this.store.append(batch, this.config.retention);
    } catch (error) {
      this.waiting = [...batch, ...this.waiting];
      this.logger.warn(`Usage records wait: ${this.store.name} did not take them (${(error as Error).message})`);
    }
    if (this.dropped > 0) {
      this.logger.error(`${this.dropped} usage record(s) were dropped: ${this.store.name} was away while more than ${MAX_WAITING} waited`);
      this.dropped = 0;
    }
  }
}

function startOfDay(at: Date): Date {
  return new Date(`${at.toISOString().slice(0, 10)}T00:00:00.000Z`);
}
