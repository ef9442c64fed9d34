import { ConfigSection } from '../interfaces/config-section.interface';
import { RuntimeMessages } from '../runtime.messages';
import { isMapping, validateConfigSection } from './config-section.validator';
import { UserscopeConfig } from './userscope-config.interface';

/** A section that is one mapping typed by `cls` (defaults when absent); unknown keys are issues. */
export function classConfigSection<T extends object>(key: string, cls: new () => T): ConfigSection<T> {
  return {
    key,
    check(value, context) {
      if (value === undefined || value === null) return new cls();
      if (!isMapping(value)) {
        context.issues.push({ path: key, message: 'must be a mapping' });
        return new cls();
      }
      return validateConfigSection(cls, value, key, context.issues);
    },
  };
}

/** The checked value of `section` in `config`; throws when `resolveConfig` was not given that section. */
export function configSection<T>(config: UserscopeConfig, section: ConfigSection<T>): T {
  if (!config.sections.has(section.key)) throw new Error(RuntimeMessages.sectionNotChecked(section.key));
  return config.sections.get(section.key) as T;
}
