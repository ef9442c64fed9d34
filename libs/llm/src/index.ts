export { LLM_CONFIGS, LLM_RATE_LIMIT_REDIS, LLM_REFERENCES_METADATA, llmToken } from './llm.constants';
export { LlmMessages } from './llm.messages';
export {
  type LlmAssistantMessage,
  type LlmChatRequest,
  type LlmChatResult,
  type LlmFinishReason,
  type LlmJsonObjectFormat,
  type LlmJsonSchemaFormat,
  type LlmMessage,
  type LlmProvider,
  type LlmStreamEvent,
  type LlmTool,
  type LlmToolCall,
  type LlmToolChoice,
  type LlmUsage,
  type ProviderReply,
  type ProviderStreamEvent,
} from './interfaces/llm.interface';
export { type LlmModuleOptions, type LlmRateLimitRedisOptions } from './interfaces/llm-module-options.interface';
export {
  LlmAuthenticationError,
  LlmConnectionError,
  LlmError,
  type LlmErrorOptions,
  LlmModelNotFoundError,
  LlmNotConfiguredError,
  LlmRateLimitError,
  LlmRequestError,
  LlmServerError,
  LlmTimeoutError,
  StructuredOutputError,
} from './exceptions/llm.exception';
export { ChatAgentIterationsError, ChatToolConflictError, ChatTurnError } from './exceptions/chat-agent.exception';
export { RateLimitUnavailableError } from './exceptions/rate-limit-unavailable.exception';
export { OpenAiLlmConfig, STRUCTURED_OUTPUT_MODES, type StructuredOutputMode } from './config/openai-llm.config';
export { EchoLlmConfig } from './config/echo-llm.config';
export { LlmCommonConfig } from './config/llm-common.config';
export { LlmRateLimitConfig } from './config/llm-rate-limit.config';
export {
  LLM_CONFIG_SECTION,
  LLM_CONFIG_SECTIONS,
  llmReferenceIssues,
  type ResolvedLlmConfig,
  resolveLlmConfigs,
} from './config/llm-config.resolver';
export { LlmRef, llmRefKeys } from './decorators/llm-ref.decorator';
export { InjectLlm } from './decorators/inject-llm.decorator';
export { LLM_PROVIDER_TYPES, type LlmProviderType } from './providers/llm-provider.types';
export { OPENAI_DEFAULT_BASE_URL, OpenAiLlm } from './providers/openai.llm';
export { keepAliveFetch } from './providers/keep-alive.fetch';
export { ECHO_TOOL_CALL, EchoLlm, sampleOf } from './providers/echo.llm';
export { parseRetryAfter, type RetryClock, type RetryOptions, RetryPolicy, SYSTEM_CLOCK } from './retry.policy';
export { countCompletionTokens, countPromptTokens, countTextTokens, countUsage } from './token.counter';
export { type LlmCaller, type LlmModelTotals, type LlmTotals, TokenAccounting } from './token.accounting';
export { checkStructuredReply, schemaProblem, StructuredOutput, type StructuredRequest, type StructuredResult } from './structured-output';
export { LlmClient } from './llm.client';
export { LlmRegistry } from './llm.registry';
export { LlmModule } from './llm.module';
export {
  CHAT_ROLES,
  ChatMessage,
  Checked,
  ChatRequest,
  type ChatRole,
  OptionalNumberIn,
  chatText,
  type ChatTextPart,
} from './dto/chat-request.dto';
export {
  ChatNamedToolChoice,
  ChatNamedToolChoiceFunction,
  ChatTool,
  type ChatToolChoice,
  ChatToolCall,
  ChatToolCallFunction,
  ChatToolFunction,
  TOOL_CHOICES,
  TOOL_NAME,
} from './dto/chat-tool.dto';
export { ChatJsonSchema, ChatResponseFormat, responseFormatProblem } from './dto/chat-response-format.dto';
export {
  ChatDelta,
  ChatResponse,
  ChatResponseChoice,
  ChatResponseChunk,
  ChatResponseChunkChoice,
  ChatResponseMessage,
  ChatToolCallDelta,
  ChatUsage,
} from './dto/chat-response.dto';
export { PerUserChatAgentConfig } from './chat-agent/per-user-chat-agent.dto';
export { type ConversationLimits, ConversationMemory } from './chat-agent/conversation.memory';
export { FunctionTools, toolParameters } from './chat-agent/function-tools';
export { PerUserChatAgentFunction } from './chat-agent/per-user-chat-agent.function';
export { ChatAgentModule } from './chat-agent/chat-agent.module';
export { LlmPriceConfig } from './config/llm-price.config';
export { callCostMicros, formatMicros } from './usage/call.cost';
export { type UsageRecord } from './usage/usage-record';
export { UsageLedger, type UsageTags } from './usage/usage.ledger';
export { summarizeUsage, usageCsv, USAGE_GROUPINGS, type UsageGroup, type UsageGrouping, type UsageReport } from './usage/usage.report';
export { UsageConfig, USAGE_CONFIG_SECTION } from './usage/usage.config';
export { UserLimitsConfig, UserLimitsOverride, USER_LIMITS_CONFIG_SECTION } from './limits/user-limits.config';
export { BudgetExceededError, BudgetUnavailableError } from './limits/budget-exceeded.exception';
export { type BudgetRemaining, UserBudget } from './limits/user.budget';
export { ConcurrentRunsExceededError } from './limits/concurrent-runs.exception';
export { UserRunAdmission } from './limits/user-run.admission';
