import { LlmMessage, LlmRegistry, TokenAccounting } from '@userscope/llm';
import { BatchLlm, BatchLlmReply, BatchLlmRequest } from './batch-llm.interface';

/**
 * Runs `llm` nodes on the configured LLMs, and counts a function node's LLM calls. Tokens are
 * accounted to the user by the LLM client itself; a node's are its own calls', never a share of
 * what the user's other requests spent meanwhile.
 */
export class LlmNodeCaller implements BatchLlm {
  constructor(
    private readonly llms: LlmRegistry,
    private readonly accounting: TokenAccounting,
  ) {}

  async measure<T>(work: () => Promise<T>): Promise<{ value: T; tokens: number }> {
    const { value, usage } = await this.accounting.measure(work);
    return { value, tokens: usage.total_tokens };
  }

  forRun<T>(runId: string, work: () => T): T {
    return this.accounting.forRun(runId, work);
  }

  async complete({ llm, system, prompt, schema, signal }: BatchLlmRequest): Promise<BatchLlmReply> {
    const client = this.llms.get(llm);
    const messages: LlmMessage[] = [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }];
    if (schema) {
      const result = await client.structured({ messages, schema, schemaName: 'node_output', signal });
      return { content: result.value, model: client.model, llmType: client.type, structured: true, tokens: result.usage.total_tokens };
    }
    const result = await client.chat({ messages, signal });
    return { content: result.message.content ?? '', model: result.model, llmType: client.type, structured: false, tokens: result.usage.total_tokens };
  }
}
