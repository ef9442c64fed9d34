import { DynamicModule, Type } from '@nestjs/common';
import { dirname, extname, resolve } from 'node:path';
import { BATCH_CONFIG_SECTIONS, BatchConfig, BatchModule, functionNodesOf, readBatchConfig } from '@userscope/batch';
import { HTTP_CONFIG_SECTIONS, ResponsesModule, ResponsesRedisOptions } from '@userscope/http';
import { CLUSTER_REDIS_COMMAND_TIMEOUT_MS, ClusterConfig, clusterConfigOf, clusterConfigSection, ClusterModule, clusterSecretIssue } from '@userscope/cluster';
import {
  ConfigError,
  FunctionTypeRegistry,
  isMapping,
  loadPluginModules,
  RawConfig,
  readConfigFile,
  readPluginList,
  resolveConfig,
  scanPlugins,
  UserscopeBuiltinsModule,
  UserscopeConfig,
} from '@userscope/runtime';
import { ChatAgentModule, LLM_CONFIG_SECTIONS, LlmModule, LlmRateLimitRedisOptions } from '@userscope/llm';
import { MCP_CONFIG_SECTIONS, McpClientPlugin, McpModule } from '@userscope/mcp';
import { UserscopeConfigSource } from './interfaces/userscope-module-options.interface';

/** Plugins every server has. The seed example (`@userscope/examples`) is one a config lists. */
export const BUILTIN_PLUGINS: Type<object>[] = [UserscopeBuiltinsModule, ChatAgentModule, McpClientPlugin];

/** The name a config written in code goes by in messages. */
export const CODE_CONFIG_NAME = '<config object>';

/** A config made ready to serve: validated config, the registry it was checked against, plugins. */
export interface LoadedApplication {
  config: UserscopeConfig;
  registry: FunctionTypeRegistry;
  plugins: Type<object>[];
  /** The application's further modules, their config sections validated too. */
  modules: DynamicModule[];
}

/**
 * Reads and validates a config: a file path (kept as the CLI's argument), or a source. Throws
 * ConfigError or FunctionRegistrationError with a clear message.
 */
export function loadApplication(source: string | UserscopeConfigSource, env: NodeJS.ProcessEnv = process.env): LoadedApplication {
  const normalized = typeof source === 'string' ? { configFile: source, env } : source;
  const raw = readSource(normalized);
  const plugins = [...new Set([...BUILTIN_PLUGINS, ...(normalized.plugins ?? []), ...loadPluginModules(readPluginList(raw), raw.dir)])];
  const registry = scanPlugins(plugins);
  // Batch's workflows name LLMs, so its sections come after the LLM library's.
  const sourceEnv = ('env' in normalized && normalized.env) || env;
  // The telemetry package is loaded only when tracing is configured: otherwise no SDK, and every span a no-op.
  const telemetry = isTracingConfigured(raw.document) ? loadTelemetry() : undefined;
  const telemetrySections = telemetry ? [telemetry.telemetryConfigSection(sourceEnv)] : [];
  const config = resolveConfig(raw, registry, [...HTTP_CONFIG_SECTIONS, ...MCP_CONFIG_SECTIONS, clusterConfigSection(sourceEnv), ...LLM_CONFIG_SECTIONS, ...BATCH_CONFIG_SECTIONS, ...telemetrySections]);
  const batchConfigured = raw.document.batch !== undefined || raw.document.batch_workflows !== undefined;
  const cluster = clusterConfigOf(config);
  const batch = batchConfigured ? readBatchConfig(config) : undefined;
  // A run's calls for users other replicas own are signed: refused at startup rather than at the first such call.
  const unsigned = cluster && batch && clusterSecretIssue(cluster, functionNodesOf(batch));
  if (unsigned) throw new ConfigError(config.file, [unsigned]);
  const sharedRedis = rateLimitRedisOf(cluster, batch);
  const modules = [
    LlmModule.forRoot(config, sharedRedis),
    ResponsesModule.forRoot({ redis: responsesRedisOf(cluster, batch) }),
    McpModule.forRoot({
      env: sourceEnv,
      ...(sharedRedis ? { redis: { url: sharedRedis.url, keyPrefix: sharedRedis.keyPrefix, commandTimeoutMs: sharedRedis.commandTimeoutMs } } : {}),
    }),
    ...(batch ? [BatchModule.forRoot(batch)] : []),
    ...(cluster ? [ClusterModule.forRoot(cluster, config.general)] : []),
    ...(telemetry ? [telemetry.TelemetryModule.forRoot(telemetry.telemetryConfigOf(config)!)] : []),
  ];
  return { config, registry, plugins, modules };
}

type TelemetryPackage = typeof import('@userscope/telemetry');

/** `@userscope/telemetry`, required on demand (its OpenTelemetry SDK is loaded only then). */
function loadTelemetry(): TelemetryPackage {
  return require('@userscope/telemetry') as TelemetryPackage;
}

/** Whether the document has `general.telemetry.tracing` (what loading the telemetry package waits for). */
function isTracingConfigured(document: Record<string, unknown>): boolean {
  const { general } = document;
  return isMapping(general) && isMapping(general.telemetry) && general.telemetry.tracing !== undefined && general.telemetry.tracing !== null;
}

/** Cluster mode's Redis, else the batch store's: where every process of the app meets, so the LLMs' rate limits and the users' secrets are kept there. */
function rateLimitRedisOf(cluster: ClusterConfig | undefined, batch: BatchConfig | undefined): LlmRateLimitRedisOptions | undefined {
  if (cluster) return { url: cluster.redis_url, keyPrefix: cluster.key_prefix, commandTimeoutMs: CLUSTER_REDIS_COMMAND_TIMEOUT_MS, setting: 'general.cluster.redis_url' };
  if (batch?.settings.store !== 'redis') return undefined;
  const { redis_url: url, key_prefix: keyPrefix, redis_command_timeout: timeout } = batch.settings;
  return { url, keyPrefix, commandTimeoutMs: timeout * 1000, setting: 'batch.redis_url' };
}

/** Where the user's data is shared, stored responses go too: the cluster's Redis, else the batch store's; memory otherwise. */
function responsesRedisOf(cluster: ClusterConfig | undefined, batch: BatchConfig | undefined): ResponsesRedisOptions | undefined {
  const shared = rateLimitRedisOf(cluster, batch);
  return shared && { url: shared.url, keyPrefix: shared.keyPrefix, commandTimeoutMs: shared.commandTimeoutMs, setting: shared.setting };
}

function readSource(source: UserscopeConfigSource): RawConfig {
  if ('config' in source) return fromObject(source.config, CODE_CONFIG_NAME, resolve(source.baseDir ?? '.'));
  const { configFile } = source;
  if (!['.js', '.cjs'].includes(extname(configFile))) return readConfigFile(configFile, 'env' in source ? source.env : process.env);
  let exported: unknown;
  try {
    exported = require(resolve(configFile));
  } catch (error) {
    throw new ConfigError(configFile, [{ path: '', message: `cannot load: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const config = (exported as { default?: unknown })?.default ?? exported;
  return fromObject(config, configFile, dirname(resolve(configFile)));
}

/** A config object as the YAML loader would hand it on: a mapping, copied so validation never touches the caller's. */
function fromObject(config: unknown, file: string, dir: string): RawConfig {
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError(file, [{ path: '', message: 'the config must be an object with at least a workflow: section' }]);
  }
  try {
    return { file, dir, document: structuredClone(config) as Record<string, unknown> };
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `the config must be plain data, as YAML would give: ${(error as Error).message}` }]);
  }
}
