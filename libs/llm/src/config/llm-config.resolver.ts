import { ConfigEntry, ConfigIssue, ConfigSection, isMapping, validateConfigSection } from '@userscope/runtime';
import { llmRefKeys } from '../decorators/llm-ref.decorator';
import { LlmMessages } from '../llm.messages';
import { LLM_PROVIDER_TYPES, LlmProviderType } from '../providers/llm-provider.types';
import { LlmCommonConfig } from './llm-common.config';
import { LlmRateLimitConfig } from './llm-rate-limit.config';
import { LlmPriceConfig } from './llm-price.config';
import { USAGE_CONFIG_SECTION } from '../usage/usage.config';

const LLM_NAME = /^[A-Za-z0-9_\-.]+$/;

/** One entry of the `llms:` section, validated against its `_type`. */
export interface ResolvedLlmConfig {
  name: string;
  /** `_type`. */
  type: string;
  provider: LlmProviderType;
  /** An instance of the type's config class, defaults applied; secrets are not enumerable. */
  config: object;
  /** `rate_limit`, when it sets a limit. */
  rateLimit?: LlmRateLimitConfig;
  /** `price`, when set. */
  price?: LlmPriceConfig;
}

/** Validates the `llms:` section; each issue under `llms.<name>.<key>`. A section that is not a mapping is the runtime's to report. */
export function resolveLlmConfigs(section: unknown, issues: ConfigIssue[]): ResolvedLlmConfig[] {
  if (!isMapping(section)) return [];
  const known = Object.keys(LLM_PROVIDER_TYPES);
  const resolved: ResolvedLlmConfig[] = [];
  for (const [name, entry] of Object.entries(section)) {
    const path = `llms.${name}`;
    if (!LLM_NAME.test(name)) {
      issues.push({ path, message: LlmMessages.badName() });
      continue;
    }
    if (!isMapping(entry)) {
      issues.push({ path, message: LlmMessages.notAMapping() });
      continue;
    }
    const { _type: type, ...settings } = entry;
    if (typeof type !== 'string' || !type) {
      issues.push({ path: `${path}._type`, message: LlmMessages.missingType(known) });
      continue;
    }
    const provider = Object.prototype.hasOwnProperty.call(LLM_PROVIDER_TYPES, type) ? LLM_PROVIDER_TYPES[type] : undefined;
    if (!provider) {
      issues.push({ path: `${path}._type`, message: LlmMessages.unknownType(type, known) });
      continue;
    }
    if (provider.secrets.includes('api_key') && settings.api_key === undefined) {
      issues.push({ path: `${path}.api_key`, message: LlmMessages.apiKeyRequired() });
      continue;
    }
    const before = issues.length;
    const config: LlmCommonConfig = validateConfigSection(provider.config, settings, path, issues);
    const rateLimit = config.rate_limit instanceof LlmRateLimitConfig ? config.rate_limit : undefined;
    if (rateLimit && rateLimit.requests_per_minute === undefined && rateLimit.tokens_per_minute === undefined) {
      issues.push({ path: `${path}.rate_limit`, message: LlmMessages.rateLimitEmpty() });
    }
    if (issues.length > before) continue;
    for (const key of provider.secrets) hide(config, key);
    const price = config.price instanceof LlmPriceConfig ? config.price : undefined;
    resolved.push({ name, type, provider, config, rateLimit, price });
  }
  return resolved;
}

/**
 * Config fields marked `@LlmRef()` that name an LLM the `llms:` section does not have, in
 * `functions:`, `function_groups:` and `workflow:`. Read from the entries as written, so that they
 * are reported even when the function has other issues.
 */
export function llmReferenceIssues(llms: unknown, entries: readonly ConfigEntry[]): ConfigIssue[] {
  const configured = isMapping(llms) ? Object.keys(llms) : [];
  const issues: ConfigIssue[] = [];
  for (const { path, settings, configClass } of entries) {
    for (const key of llmRefKeys(configClass)) {
      const value = settings[key];
      const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      for (const name of names) {
        if (name && !configured.includes(name)) issues.push({ path: `${path}.${key}`, message: LlmMessages.unknownReference(name, configured) });
      }
    }
  }
  return issues;
}

/**
 * The `llms:` section for `resolveConfig`: each LLM validated against its `_type`, and the function
 * fields that name LLMs, reported together with every other issue of the file. Token accounting
 * needs `currentSession()`, so `general.track_current_session: false` is refused when LLMs are configured.
 */
export const LLM_CONFIG_SECTION: ConfigSection<ResolvedLlmConfig[]> = {
  key: 'llms',
  check(value, { entries, general, issues }) {
    if (value !== undefined && value !== null && !isMapping(value)) {
      issues.push({ path: 'llms', message: 'must be a mapping' });
      return [];
    }
    const configs = resolveLlmConfigs(value, issues);
    issues.push(...llmReferenceIssues(value, entries));
    if (isMapping(value) && Object.keys(value).length > 0 && general.track_current_session === false) {
      issues.push({ path: 'general.track_current_session', message: LlmMessages.trackingRequired() });
    }
    return configs;
  },
};

/** The config sections the LLM library reads; give them to `resolveConfig`. */
export const LLM_CONFIG_SECTIONS: ConfigSection[] = [LLM_CONFIG_SECTION, USAGE_CONFIG_SECTION];

/** Keeps a secret readable by the code that needs it, and out of `JSON.stringify`, `console.log` and spreads. */
function hide(config: object, key: string): void {
  const value = (config as Record<string, unknown>)[key];
  Object.defineProperty(config, key, { value, enumerable: false, writable: false, configurable: false });
}
