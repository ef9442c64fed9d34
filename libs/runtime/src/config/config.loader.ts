import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, ConfigIssue } from '../exceptions/config.exception';
import { ConfigEntry, ConfigSection, ConfigSectionContext } from '../interfaces/config-section.interface';
import { FunctionTypeRegistry } from '../function-type.registry';
import { functionRefKeys } from '../decorators/function-ref.decorator';
import { RuntimeMessages } from '../runtime.messages';
import { GROUP_FUNCTION_SEPARATOR, WORKFLOW_NAME } from '../runtime.constants';
import { isMapping, validateConfigSection } from './config-section.validator';
import { interpolateEnv } from './env.interpolation';
import { configuredMember, discoveredFunctionOf } from './discovered-functions';
import { GeneralConfig, IGNORED_NAT_GENERAL_KEYS } from './general.config';
import { ConfiguredFunction, ConfiguredFunctionGroup, RawConfig, UserscopeConfig } from './userscope-config.interface';

/** The runtime's own sections; libraries add theirs (see `ConfigSection`). */
const RUNTIME_SECTIONS = ['general', 'functions', 'function_groups', 'workflow'];
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
  if (!isMapping(document)) {
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

/** `general:`, but for its keys that other libraries' sections own (`general.identity`). */
function checkGeneral(raw: RawConfig, owned: string[], issues: ConfigIssue[]): { general: GeneralConfig; warnings: string[] } {
  const section = sectionOf(raw.document, 'general', issues) ?? {};
  const own = Object.fromEntries(Object.entries(section).filter(([key]) => !owned.includes(key)));
  const general = validateConfigSection(GeneralConfig, own, 'general', issues, { unknownKeys: 'ignore' });
  const known = [...Object.keys(general), ...owned];
  const warnings = Object.keys(own)
    .filter((key) => !(key in general))
    .map((key) =>
      IGNORED_NAT_GENERAL_KEYS.includes(key)
        ? `general.${key} is a NAT setting that Userscope ignores`
        : `general.${key} is not a known setting and is ignored (known: ${known.join(', ')})`,
    );
  return { general, warnings };
}

/**
 * Validates the whole config against the registered function types, and each library's `sections`
 * (in the order given). Reports every issue at once.
 */
export function resolveConfig(raw: RawConfig, registry: FunctionTypeRegistry, sections: ConfigSection[] = []): UserscopeConfig {
  const issues: ConfigIssue[] = [];
  const ownedGeneralKeys = sections.filter((section) => section.key.startsWith('general.')).map((section) => section.key.slice('general.'.length));
  const { general, warnings } = checkGeneral(raw, ownedGeneralKeys, issues);
  const doc = raw.document;
  const known = [...RUNTIME_SECTIONS, ...sections.map((section) => section.key)];
  for (const key of Object.keys(doc)) {
    if (!known.includes(key)) warnings.push(`section '${key}' is not used by Userscope and is ignored`);
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

  // A discovered group's function that is referred to is known from startup, as its included ones are.
  for (const fn of [...functions.values()]) {
    for (const ref of fn.references) {
      const discovered = !functions.has(ref) && discoveredFunctionOf(groups, ref);
      if (!discovered) continue;
      functions.set(ref, discovered);
      groups.get(discovered.group!)!.functions.push(discovered);
    }
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

  const entries = entriesOf(doc, functionSection, groupSection, registry);
  const isFunction = (name: string) => functions.has(name) || !!discoveredFunctionOf(groups, name);
  const context = { file: raw.file, dir: raw.dir, general, registry, functions: [...functions.keys()], isFunction, entries, issues };
  const values = checkSections(sections, context, doc);
  if (issues.length > 0 || !workflow) throw new ConfigError(raw.file, issues);
  return { file: raw.file, general, functions, workflow, groups, sections: values, warnings };
}

/** Each section's value, checked in order; a section may read those before it. */
function checkSections(
  sections: ConfigSection[],
  context: Omit<ConfigSectionContext, 'section'>,
  doc: Record<string, unknown>,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const full: ConfigSectionContext = { ...context, section: <T>(section: ConfigSection<T>) => values.get(section.key) as T | undefined };
  for (const section of sections) {
    const [first, second] = section.key.split('.');
    const value = second === undefined ? doc[first] : (isMapping(doc[first]) ? doc[first][second] : undefined);
    values.set(section.key, section.check(value, full));
  }
  return values;
}

/** The function, group and workflow entries as written, with the config class of each known `_type`. */
function entriesOf(
  doc: Record<string, unknown>,
  functionSection: Record<string, unknown>,
  groupSection: Record<string, unknown>,
  registry: FunctionTypeRegistry,
): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const add = (path: string, entry: unknown, group: boolean) => {
    if (!isMapping(entry)) return;
    const type = typeof entry._type === 'string' ? (group ? registry.getGroup(entry._type) : registry.get(entry._type)) : undefined;
    entries.push({ path, settings: entry, ...(type?.config ? { configClass: type.config } : {}) });
  };
  for (const [name, entry] of Object.entries(functionSection)) add(`functions.${name}`, entry, false);
  for (const [name, entry] of Object.entries(groupSection)) add(`function_groups.${name}`, entry, true);
  add('workflow', doc.workflow, false);
  return entries;
}

function resolveFunction(
  name: string,
  path: string,
  entry: unknown,
  registry: FunctionTypeRegistry,
  issues: ConfigIssue[],
): ConfiguredFunction | undefined {
  if (!isMapping(entry)) {
    issues.push({ path, message: 'must be a mapping with a _type key' });
    return undefined;
  }
  const { _type: typeName, ...settings } = entry;
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
  if (!isMapping(entry)) {
    issues.push({ path, message: 'must be a mapping with a _type key' });
    return undefined;
  }
  const { _type: typeName, include, exclude, ...settings } = entry;
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
    // A discovered group's functions are found at run time: its names cannot be checked here.
    if (type.discovered) return value;
    const unknown = value.filter((item) => !members.includes(item));
    if (unknown.length > 0) issues.push({ path: `${path}.${key}`, message: RuntimeMessages.unknownGroupMembers(unknown, members) });
    return value;
  };
  const included = pick('include', include);
  const excluded = pick('exclude', exclude);
  if (included && excluded) issues.push({ path, message: RuntimeMessages.includeAndExclude() });
  const settled = resolveSettings(typeName, type.config, settings, path, issues);
  if (!settled || issues.length > before) return undefined;
  const selection = { ...(included ? { include: included } : {}), ...(excluded ? { exclude: excluded } : {}) };
  const group: ConfiguredFunctionGroup = { name, path, type, ...settled, functions: [], selection };
  if (type.discovered) {
    group.functions = (included ?? []).map((member) => configuredMember(group, member));
    return group;
  }
  const exposed = members.filter((member) => (included ? included.includes(member) : !excluded?.includes(member)));
  group.functions = exposed.map((member) => ({
    name: `${name}${GROUP_FUNCTION_SEPARATOR}${member}`,
    path,
    type: type.functions.get(member)!,
    config: settled.config,
    references: settled.references,
    group: name,
  }));
  return group;
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
  const config = validateConfigSection(configClass, settings, path, issues);
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
  if (!isMapping(value)) {
    issues.push({ path: key, message: 'must be a mapping' });
    return undefined;
  }
  return value;
}
