import { LlmMessage } from '../interfaces/llm.interface';
import { countEachMessageTokens } from '../token.counter';

export interface ConversationLimits {
  maxMessages: number;
  maxTokens: number;
}

/**
 * One user's conversation: the messages of their past turns, tool calls and results included,
 * bounded by a number of messages and of tokens. The oldest go first, and whole: what is kept
 * always starts at a user message, so no tool result is left without the call that asked for it.
 */
export class ConversationMemory {
  private messages: LlmMessage[] = [];
  private tokens: number[] = [];

  constructor(private readonly limits: ConversationLimits) {}

  get size(): number {
    return this.messages.length;
  }

  /** The remembered messages, oldest first. */
  history(): LlmMessage[] {
    return [...this.messages];
  }

  /** Adds a finished turn, then forgets the oldest messages beyond the limits. */
  remember(turn: LlmMessage[]): void {
    this.messages.push(...turn);
    this.tokens.push(...countEachMessageTokens(turn));
    this.trim();
  }

  clear(): void {
    this.messages = [];
    this.tokens = [];
  }

  private trim(): void {
    const { maxMessages, maxTokens } = this.limits;
    let total = this.tokens.reduce((sum, n) => sum + n, 0);
    let drop = 0;
    while (drop < this.messages.length && (this.messages.length - drop > maxMessages || total > maxTokens)) total -= this.tokens[drop++];
    // Never start in the middle of a turn.
    if (drop > 0) while (drop < this.messages.length && this.messages[drop].role !== 'user') drop++;
    this.messages.splice(0, drop);
    this.tokens.splice(0, drop);
  }
}
