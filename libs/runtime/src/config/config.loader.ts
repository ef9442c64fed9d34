import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { ConfigError, ConfigIssue } from '../exceptions/config.exception';
import { FunctionTypeRegistry } from '../function-type.registry';
import { functionRefKeys } from '../decorators/function-ref.decorator';
import { RuntimeMessages } from '../runtime.messages';
import { GROUP_FUNCTION_SEPARATOR, WORKFLOW_NAME } from '../runtime.constants';
import { interpolateEnv } from './env.interpolation';
import { GeneralConfig, IGNORED_NAT_GENERAL_KEYS } from './general.config';
import { ConfiguredFunction, ConfiguredFunctionGroup, RawConfig, UserscopeConfig } from './userscope-config.interface';

const KNOWN_SECTIONS = ['general', 'functions', 'function_groups', 'llms', 'workflow', 'batch', 'batch_workflows'];
const FUNCTION_NAME = /^[A-Za-z0-9_\-.]+$/;

/** Reads a YAML config file and fills in `${VAR}` references. Throws ConfigError naming the file. */
export function readConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): RawConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(file, [{ path: '', message: reason }]);
  }
  const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    throw new ConfigError(file, parsed.errors.map((e) => ({ path: '', message: `YAML: ${e.message}` })));
  }
  const document: unknown = parsed.toJS();
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(file, [{ path: '', message: 'the file must hold a YAML mapping with at least a workflow: section' }]);
  }
  const issues: ConfigIssue[] = [];
  const interpolated = interpolateEnv(document, env, issues) as Record<string, unknown>;
  if (issues.length > 0) throw new ConfigError(file, issues);
  return { file, dir: dirname(path), document: interpolated };
}

/**
 * The `general.plugins` list alone: plugins must be loaded before functions can be checked, and the
 * rest of `general:` is reported together with every other issue by `resolveConfig`.
 */
export function readPluginList(raw: RawConfig): string[] {
  const plugins = (raw.document.general as Record<string, unknown> | undefined)?.plugins;
  if (plugins === undefined || plugins === null) return [];
  if (!Array.isArray(plugins) || !plugins.every((item) => typeof item === 'string' && item)) {
    throw new ConfigError(raw.file, [{ path: 'general.plugins', message: 'must be a list of paths or package names' }]);
  }
  return plugins;
}

function checkGeneral(raw: RawConfig, issues: ConfigIssue[]): { general: GeneralConfig; warnings: string[] } {
  const section = sectionOf(raw.document, 'general', issues) ?? {};
  const general = validateSection(GeneralConfig, section, 'general', issues, { warnUnknown: true });
  const warnings = Object.keys(section)
    .filter((key) => !(key in general.value))
    .map((key) =>
      IGNORED_NAT_GENERAL_KEYS.includes(key)
        ? `general.${key} is a NAT setting that Userscope ignores`
        : `general.${key} is not a known setting and is ignored (known: ${Object.keys(general.value).join(', ')})`,
    );
  return { general: general.value, warnings };
}

/**
 * Checks a section that another library types (the LLM library's `llms:`), so that its issues are
 * reported together with every other one.
 */
export type ConfigSectionCheck = (raw: RawConfig, registry: FunctionTypeRegistry) => ConfigIssue[];

/** Validates the whole config against the registered function types. Reports every issue at once. */
export function resolveConfig(raw: RawConfig, registry: FunctionTypeRegistry, checks: ConfigSectionCheck[] = []): UserscopeConfig {
  const issues: ConfigIssue[] = [];
  const { general, warnings } = checkGeneral(raw, issues);
  const doc = raw.document;
  for (const key of Object.keys(doc)) {
    if (!KNOWN_SECTIONS.includes(key)) warnings.push(`section '${key}' is not used by Userscope and is ignored`);
  }

  const functions = new Map<string, ConfiguredFunction>();
  const functionSection = sectionOf(doc, 'functions', issues) ?? {};
  for (const [name, entry] of Object.entries(functionSection)) {
    if (!FUNCTION_NAME.test(name)) {
      issues.push({ path: `functions.${name}`, message: 'function names may use letters, digits, _ - . only' });
      continue;
    }
    const configured = resolveFunction(name, `functions.${name}`, entry, registry, issues);
    if (configured) functions.set(name, configured);
  }

  const groups = new Map<string, ConfiguredFunctionGroup>();
  const groupSection = sectionOf(doc, 'function_groups', issues) ?? {};
  for (const [name, entry] of Object.entries(groupSection)) {
    const path = `function_groups.${name}`;
    if (!FUNCTION_NAME.test(name) || name.includes(GROUP_FUNCTION_SEPARATOR)) {
      issues.push({ path, message: `group names may use letters, digits, _ - . only, and not '${GROUP_FUNCTION_SEPARATOR}'` });
      continue;
    }
    if (name in functionSection) {
      issues.push({ path, message: `'${name}' is also the name of a function; names must be unique across functions and groups` });
      continue;
    }
    const group = resolveGroup(name, path, entry, registry, issues);
    if (!group) continue;
    groups.set(name, group);
    for (const fn of group.functions) functions.set(fn.name, fn);
  }

  let workflow: ConfiguredFunction | undefined;
  if (doc.workflow === undefined) {
    issues.push({ path: 'workflow', message: "the workflow: section is required (it names the function /generate runs, e.g. _type: per_user_assistant)" });
  } else {
    workflow = resolveFunction(WORKFLOW_NAME, 'workflow', doc.workflow, registry, issues);
    if (workflow) functions.set(WORKFLOW_NAME, workflow);
  }

  // A function that is configured but invalid has its own issue: referring to it is no second one.
  const configuredNames = [
    ...Object.keys(functionSection),
    ...[...groups.values()].flatMap((group) => group.functions.map((fn) => fn.name)),
  ];
  const referrers: { path: string; references: string[] }[] = [
    ...[...functions.values()].filter((fn) => !fn.group),
    ...groups.values(),
  ];
  for (const fn of referrers) {
    for (const ref of fn.references) {
      const [group] = ref.split(GROUP_FUNCTION_SEPARATOR);
      const ofInvalidGroup = group in groupSection && !groups.has(group);
      if (!configuredNames.includes(ref) && !ofInvalidGroup) {
        issues.push({
          path: fn.path,
          message: `refers to function '${ref}', which is not configured (configured: ${configuredNames.join(', ') || 'none'})`,
        });
      }
    }
  }

  const llms = (sectionOf(doc, 'llms', issues) ?? {}) as Record<string, Record<string, unknown>>;
  for (const check of checks) issues.push(...check(raw, registry));
  if (issues.length > 0 || !workflow) throw new ConfigError(raw.file, issues);
  return { file: raw.file, general, functions, workflow, groups, llms, document: doc, warnings };
}

function resolveFunction(
  name: string,
  path: string,
  entry: unknown,
  registry: FunctionTypeRegistry,
  issues: ConfigIssue[],
): ConfiguredFunction | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    issues.push({ path, message: 'must be a mapping with a _type key' });
    return undefined;
  }
  const { _type: typeName, ...settings } = entry as Record<string, unknown>;
  if (typeof typeName !== 'string' || !typeName) {
    issues.push({ path: `${path}._type`, message: RuntimeMessages.missingType() });
    return undefined;
  }
  const type = registry.get(typeName);
  if (!type) {
    issues.push({ path: `${path}._type`, message: RuntimeMessages.unknownType(typeName, registry.names()) });
    return undefined;
  }
  const settled = resolveSettings(typeName, type.config, settings, path, issues);
  return settled && { name, path, type, ...settled };
}

function resolveGroup(
  name: string,
  path: string,
  entry: unknown,
  registry: FunctionTypeRegistry,
  issues: ConfigIssue[],
): ConfiguredFunctionGroup | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    issues.push({ path, message: 'must be a mapping with a _type key' });
    return undefined;
  }
  const { _type: typeName, include, exclude, ...settings } = entry as Record<string, unknown>;
  if (typeof typeName !== 'string' || !typeName) {
    issues.push({ path: `${path}._type`, message: RuntimeMessages.missingType() });
    return undefined;
  }
  const type = registry.getGroup(typeName);
  if (!type) {
    issues.push({ path: `${path}._type`, message: RuntimeMessages.unknownGroupType(typeName, registry.groupNames()) });
    return undefined;
  }
  const members = [...type.functions.keys()];
  const before = issues.length;
  const pick = (key: 'include' | 'exclude', value: unknown): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      issues.push({ path: `${path}.${key}`, message: 'must be a list of function names' });
      return undefined;
    }
    const unknown = value.filter((item) => !members.includes(item));
    if (unknown.length > 0) issues.push({ path: `${path}.${key}`, message: RuntimeMessages.unknownGroupMembers(unknown, members) });
    return value;
  };
  const included = pick('include', include);
  const excluded = pick('exclude', exclude);
  if (included && excluded) issues.push({ path, message: RuntimeMessages.includeAndExclude() });
  const settled = resolveSettings(typeName, type.config, settings, path, issues);
  if (!settled || issues.length > before) return undefined;
  const exposed = members.filter((member) => (included ? included.includes(member) : !excluded?.includes(member)));
  const functions = exposed.map((member) => ({
    name: `${name}${GROUP_FUNCTION_SEPARATOR}${member}`,
    path,
    type: type.functions.get(member)!,
    config: settled.config,
    references: settled.references,
    group: name,
  }));
  return { name, path, type, ...settled, functions };
}

/** Validates a type's settings against its config class; collects the function references it declares. */
function resolveSettings(
  typeName: string,
  configClass: (new () => object) | undefined,
  settings: Record<string, unknown>,
  path: string,
  issues: ConfigIssue[],
): { config: object; references: string[] } | undefined {
  if (!configClass) {
    const extra = Object.keys(settings);
    if (extra.length > 0) issues.push({ path, message: `type '${typeName}' takes no settings; remove: ${extra.join(', ')}` });
    return { config: {}, references: [] };
  }
  const before = issues.length;
  const { value: config } = validateSection(configClass, settings, path, issues);
  if (issues.length > before) return undefined;
  const references = functionRefKeys(configClass).flatMap((key) => {
    const value = (config as Record<string, unknown>)[key];
    return value === undefined || value === '' ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
  });
  return { config, references };
}

function sectionOf(doc: Record<string, unknown>, key: string, issues: ConfigIssue[]): Record<string, unknown> | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path: key, message: 'must be a mapping' });
    return undefined;
  }
  return value as Record<string, unknown>;
}

/**
 * Builds a config class from a mapping of the file, defaults applied, and records each violated
 * constraint (and each unknown key) under `path`: for sections typed outside the runtime.
 */
export function validateConfigSection<T extends object>(cls: new () => T, plain: Record<string, unknown>, path: string, issues: ConfigIssue[]): T {
  return validateSection(cls, plain, path, issues).value;
}

/** Builds `cls` from `plain` with defaults, and records each violated constraint under its key path. */
function validateSection<T extends object>(
  cls: new () => T,
  plain: Record<string, unknown>,
  path: string,
  issues: ConfigIssue[],
  { warnUnknown = false } = {},
): { value: T } {
  // Free-form mappings (`default_preferences: {...}`) are copied as they are: class-transformer would
  // drop keys like `toString` or `__proto__` and throws on a `constructor` key.
  const mappings = Object.keys(plain).filter(
    (key) => isMapping(plain[key]) && Reflect.getMetadata('design:type', cls.prototype, key) === Object,
  );
  const rest = Object.fromEntries(Object.entries(plain).filter(([key]) => !mappings.includes(key)));
  const value = plainToInstance(cls, rest, { exposeDefaultValues: true });
  for (const key of mappings) {
    Object.defineProperty(value, key, { value: copyMapping(plain[key] as Record<string, unknown>), enumerable: true, writable: true, configurable: true });
  }
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: !warnUnknown });
  issues.push(...configIssues(errors, path, cls));
  return { value };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** A copy whose every key, `__proto__` included, is an own data property. */
function copyMapping(mapping: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(mapping)) {
    Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function configIssues(errors: ValidationError[], path: string, cls: Function): ConfigIssue[] {
  return errors.flatMap((error) => {
    const keyPath = `${path}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      path: keyPath,
      message:
        constraint === 'whitelistValidation'
          ? `unknown key '${error.property}' for ${cls.name}; known keys: ${knownKeys(cls).join(', ')}`
          : message.replace(new RegExp(`^${error.property} `), ''),
    }));
    return [...own, ...configIssues(error.children ?? [], keyPath, cls)];
  });
}

function knownKeys(cls: Function): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}
