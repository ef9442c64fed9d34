import { ConfigSection } from '@userscope/runtime';
import { FRONT_END_CONFIG_SECTION } from './front-end/front-end-config.section';
import { IDENTITY_CONFIG_SECTION } from './identity/identity-config.section';

/** The config sections the HTTP front end reads; give them to `resolveConfig`. */
export const HTTP_CONFIG_SECTIONS: ConfigSection[] = [IDENTITY_CONFIG_SECTION, FRONT_END_CONFIG_SECTION];
