import { LlmNotConfiguredError } from './exceptions/llm.exception';
import { LlmClient } from './llm.client';

/** The configured LLMs by name. Shared: one client per LLM for all users. Only stores; `llm.providers.ts` builds them. */
export class LlmRegistry {
  private readonly clients: ReadonlyMap<string, LlmClient>;

  constructor(clients: LlmClient[]) {
    this.clients = new Map(clients.map((client) => [client.name, client]));
  }

  /** The LLM `name`; throws naming the configured ones when there is none. */
  get(name: string): LlmClient {
    const client = this.clients.get(name);
    if (!client) throw new LlmNotConfiguredError(name, this.names());
    return client;
  }

  has(name: string): boolean {
    return this.clients.has(name);
  }

  names(): string[] {
    return [...this.clients.keys()];
  }
}
