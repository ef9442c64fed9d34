export {
  FUNCTION_CONFIG,
  FUNCTION_GROUP_METADATA,
  FUNCTION_NAME,
  FUNCTION_REFERENCES_METADATA,
  FUNCTION_TYPE_METADATA,
  functionConfigToken,
  functionGroupToken,
  functionNameToken,
  functionToken,
  GROUP_FUNCTION_SEPARATOR,
  GROUP_FUNCTIONS_METADATA,
  PLUGIN_METADATA,
  RUN_ADMISSION,
  SESSION_ID_PATTERN,
  USERSCOPE_CONFIG,
  WORKFLOW_NAME,
} from './runtime.constants';
export { RuntimeMessages } from './runtime.messages';
export {
  type FunctionScope,
  type FunctionTypeDefinition,
  type FunctionTypeOptions,
  type SchemaType,
} from './interfaces/function-type.interface';
export { type OnSessionEnd, type UserscopeFunction } from './interfaces/userscope-function.interface';
export { type DiscoveredFunction, type DiscoveredFunctionGroup, type DiscoveredGroupStatus } from './interfaces/discovered-function-group.interface';
export { discoveredFunctionOf, isSelected } from './config/discovered-functions';
export { type UserscopePluginOptions } from './interfaces/plugin-options.interface';
export { PerUserFunction, SharedFunction } from './decorators/function-type.decorator';
export { InjectFunctionConfig, InjectFunctionName } from './decorators/inject-function-config.decorator';
export { FunctionRef, functionRefKeys } from './decorators/function-ref.decorator';
export { UserscopePlugin } from './decorators/userscope-plugin.decorator';
export { GroupFunction, PerUserFunctionGroup, SharedFunctionGroup } from './decorators/function-group.decorator';
export {
  type FunctionGroupDefinition,
  type FunctionGroupOptions,
  type GroupFunctionDefinition,
  type GroupFunctionOptions,
} from './interfaces/function-group.interface';
export { ConfigError, type ConfigIssue } from './exceptions/config.exception';
export { FunctionRegistrationError } from './exceptions/function-registration.exception';
export {
  type ErrorBody,
  type FieldError,
  type ErrorWithClientDetails,
  InvalidInputError,
  InvalidSessionIdError,
  SessionLimitError,
  UserConcurrencyError,
  RequestRefusedError,
  UserscopeHttpError,
  WorkflowError,
} from './exceptions/invocation.exception';
export { IsDuration, parseDuration, toMilliseconds } from './config/duration';
export { GeneralConfig, IGNORED_NAT_GENERAL_KEYS } from './config/general.config';
export {
  type ConfiguredFunction,
  type ConfiguredFunctionGroup,
  type RawConfig,
  type UserscopeConfig,
} from './config/userscope-config.interface';
export { readConfigFile, readPluginList, resolveConfig } from './config/config.loader';
export { classConfigSection, configSection } from './config/config-section';
export { configKeys, isMapping, validateConfigSection, validationIssues } from './config/config-section.validator';
export { type ConfigEntry, type ConfigSection, type ConfigSectionContext } from './interfaces/config-section.interface';
export { IdentityRequiredError } from './exceptions/identity-required.exception';
export { createInputParser, type InputParser } from './schema/input-validator';
export { ANY_JSON_SCHEMA, describeType, inlineSchema, isPrimitiveType, type TypeSchema } from './schema/type-schema';
export { toolInput, toolParameters, toolParametersOf } from './schema/tool-parameters';
export {
  FunctionTypeRegistry,
  type RegisteredFunctionGroupType,
  type RegisteredFunctionType,
} from './function-type.registry';
export { pluginFunctionTypes, scanPlugins } from './plugin.scanner';
export { loadPluginModules } from './plugin.loader';
export { FunctionHandle, NEVER_ABORTED } from './functions/function-handle';
export {
  agentAttributes,
  agentSpanName,
  asJsonText,
  configureGenAiTracing,
  genAiTracingOptions,
  type GenAiTracingOptions,
  inGenAiSpan,
  inGenAiStreamSpan,
  markFailed,
  setConversation,
  startGenAiSpan,
} from './tracing/gen-ai.spans';
export { inCallerTraceContext } from './tracing/caller-trace-context';
/** @internal For the packages that add Fastify hooks (see http-hooks/covered-by-generate-lane.ts). */
export { coveredByGenerateLane, isCoveredByGenerateLane } from './http-hooks/covered-by-generate-lane';
export { FunctionCatalog } from './functions/function.catalog';
export { Functions, SharedFunctions } from './functions/functions.accessor';
export { type Caller, WorkflowRunner } from './functions/workflow.runner';
export { NOTHING_HELD, type RunAdmission } from './interfaces/run-admission.interface';
export { inRunSlot } from './functions/run-slot';
export { UserSession } from './session/user-session';
export { SessionRegistry } from './session/session.registry';
export { SessionBackends } from './session/ownership/session-backends';
export { LOCAL_OWNERSHIP, type LeaseLossCause, type UserLease, type UserOwnership } from './session/ownership/user-ownership.interface';
export {
  isStateful,
  type JsonValue,
  NO_SESSION_STATE,
  type SavedUserState,
  type SessionStateStore,
  type StatefulFunction,
} from './session/ownership/session-state.interface';
export { LeaseLostError, UserOwnedElsewhereError } from './exceptions/user-ownership.exception';
export { type SessionCounters, type SessionEndReport, SessionLifecycle } from './session/session.lifecycle';
export { UserscopeRuntimeModule, type UserscopeRuntimeOptions } from './userscope-runtime.module';
export { DependencyGraphError } from './graph/dependency-graph.error';
export { DependencyGraphValidator } from './graph/dependency-graph.validator';
export { UserscopeBuiltinsModule } from './builtins/builtins.module';
export { SequentialExecutorConfig, SequentialExecutorFunction } from './builtins/sequential-executor.function';
export { IsByteSize, parseByteSize } from './config/byte-size';
export { redactUrl } from './config/redacted-url';
export { IdleSessionEvictor } from './session/idle-session.evictor';
export { ConcurrencyLimiter } from './session/concurrency.limiter';
export { callScope, currentSession, runAsSession, runAsSessionStream, runInCallScope, trackCurrentSession } from './session/current-session';
export { checkRuntimeCopies, loadedRuntimeCopies, type RuntimeCopy } from './copies/runtime-copies';
export { RuntimeVersionConflictError } from './exceptions/runtime-version-conflict.exception';
/** @internal Nest internals Userscope's packages share (see internals/library-internals.ts). */
export { appliedContextIdStrategy, fastifyRequestHooks, globalEnhancerCounts, isMiddieHook, providerGraph, type GlobalEnhancerCounts, type ProviderNode } from './internals/library-internals';
export { type UserFunctionLookup, UserFunctions } from './functions/user-functions';
export { type RemoteUserFunctions, type UserCalls, UserInvoker } from './functions/user-invoker';
export { inspectJson, type JsonInspection, type JsonProblem } from './schema/json-inspector';
export { type CallDeadline, runWithDeadline } from './functions/call-deadline';
export { type ProcessFaultCounters, ProcessFaultListener } from './faults/process-fault.listener';
export { ShutdownProgress } from './shutdown/shutdown-progress';
export { type UserDataHolder, UserDataRegistry } from './users/user-data.registry';
export { type UserFieldSource, UserFieldsRegistry } from './users/user-fields.registry';
export { FunctionTimeoutError } from './exceptions/function-timeout.exception';
export { csvDocument, csvRow } from './csv/csv.writer';
