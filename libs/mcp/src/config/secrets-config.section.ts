import { IsInt, Max, Min } from 'class-validator';
import { classConfigSection } from '@userscope/runtime';

/** `general.secrets`: how much a user may keep as secrets. */
export class SecretsConfig {
  /** Most secrets one user may have; a PUT of a new name past it is a 400 `secret_limit`. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  max_per_user: number = 100;

  /** Longest value, in characters. */
  @IsInt()
  @Min(1)
  @Max(65_536)
  max_value_length: number = 8192;
}

export const SECRETS_CONFIG_SECTION = classConfigSection('general.secrets', SecretsConfig);

/** The config sections the MCP library reads, for `resolveConfig`. */
export const MCP_CONFIG_SECTIONS = [SECRETS_CONFIG_SECTION];
