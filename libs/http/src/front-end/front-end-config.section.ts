import { ConfigSection, configSection, isMapping, UserscopeConfig, validateConfigSection } from '@userscope/runtime';
import { FrontEndConfig } from './front-end.config';

/** `general.front_end`, checked with the rest of the config file; NAT's keys that Userscope does not read are ignored. */
export const FRONT_END_CONFIG_SECTION: ConfigSection<FrontEndConfig> = {
  key: 'general.front_end',
  check(value, context) {
    if (value === undefined || value === null) return new FrontEndConfig();
    if (!isMapping(value)) {
      context.issues.push({ path: 'general.front_end', message: 'must be a mapping' });
      return new FrontEndConfig();
    }
    return validateConfigSection(FrontEndConfig, value, 'general.front_end', context.issues, { unknownKeys: 'ignore' });
  },
};

/** The model name the OpenAI routes report: `general.front_end.model_name`, else the workflow's `_type`. */
export function servedModelName(config: UserscopeConfig): string {
  return configSection(config, FRONT_END_CONFIG_SECTION).model_name ?? config.workflow.type.name;
}
