import { ConfigIssue, ConfigSectionCheck, FunctionTypeRegistry, validateConfigSection } from '@userscope/runtime';
import { llmRefKeys } from '../decorators/llm-ref.decorator';
import { LlmMessages } from '../llm.messages';
import { LLM_PROVIDER_TYPES, LlmProviderType } from '../providers/llm-provider.types';

const LLM_NAME = /^[A-Za-z0-9_\-.]+$/;

/** One entry of the `llms:` section, validated against its `_type`. */
export interface ResolvedLlmConfig {
  name: string;
  /** `_type`. */
  type: string;
  provider: LlmProviderType;
  /** An instance of the type's config class, defaults applied; secrets are not enumerable. */
  config: object;
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
    const config = validateConfigSection(provider.config, settings, path, issues);
    if (issues.length > before) continue;
    for (const key of provider.secrets) hide(config, key);
    resolved.push({ name, type, provider, config });
  }
  return resolved;
}

/**
 * Config fields marked `@LlmRef()` that name an LLM the `llms:` section does not have, in
 * `functions:`, `function_groups:` and `workflow:`. Read from the file as written, so that they are
 * reported even when the function has other issues.
 */
export function llmReferenceIssues(document: Record<string, unknown>, registry: FunctionTypeRegistry): ConfigIssue[] {
  const configured = isMapping(document.llms) ? Object.keys(document.llms) : [];
  const entries: { path: string; entry: unknown; group: boolean }[] = [
    ...Object.entries(isMapping(document.functions) ? document.functions : {}).map(([name, entry]) => ({ path: `functions.${name}`, entry, group: false })),
    ...Object.entries(isMapping(document.function_groups) ? document.function_groups : {}).map(([name, entry]) => ({ path: `function_groups.${name}`, entry, group: true })),
    ...(document.workflow === undefined ? [] : [{ path: 'workflow', entry: document.workflow, group: false }]),
  ];
  const issues: ConfigIssue[] = [];
  for (const { path, entry, group } of entries) {
    if (!isMapping(entry) || typeof entry._type !== 'string') continue;
    const configClass = (group ? registry.getGroup(entry._type) : registry.get(entry._type))?.config;
    for (const key of llmRefKeys(configClass)) {
      const value = entry[key];
      const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      for (const name of names) {
        if (name && !configured.includes(name)) issues.push({ path: `${path}.${key}`, message: LlmMessages.unknownReference(name, configured) });
      }
    }
  }
  return issues;
}

/**
 * The `llms:` check for `resolveConfig(raw, registry, [checkLlmSection])`: LLM settings and the
 * function fields that name LLMs, reported together with every other issue of the file.
 */
export const checkLlmSection: ConfigSectionCheck = (raw, registry) => {
  const issues: ConfigIssue[] = [];
  resolveLlmConfigs(raw.document.llms, issues);
  issues.push(...llmReferenceIssues(raw.document, registry));
  return issues;
};

function isMapping(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Keeps a secret readable by the code that needs it, and out of `JSON.stringify`, `console.log` and spreads. */
function hide(config: object, key: string): void {
  const value = (config as Record<string, unknown>)[key];
  Object.defineProperty(config, key, { value, enumerable: false, writable: false, configurable: false });
}
