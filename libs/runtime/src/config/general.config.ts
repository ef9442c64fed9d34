import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsString, Matches, ValidateNested } from 'class-validator';
import { DEFAULT_SESSION_COOKIE } from '../runtime.constants';
import { IsDuration } from './duration';

/** How callers are identified. */
export class IdentityConfig {
  /** The cookie whose value is the user id (NAT's `nat-session`). */
  @IsString()
  @Matches(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, { message: 'cookie_name must be a valid cookie name' })
  cookie_name: string = DEFAULT_SESSION_COOKIE;
}

/** The `general:` section. Durations are seconds after loading. */
export class GeneralConfig {
  /** How long an idle user's session is kept. */
  @IsDuration()
  per_user_workflow_timeout: number = 1800;

  /** How often idle sessions are looked for. */
  @IsDuration()
  per_user_workflow_cleanup_interval: number = 300;

  /** Serves `/monitor/users`. */
  @IsBoolean()
  enable_per_user_monitoring: boolean = false;

  @ValidateNested()
  @Type(() => IdentityConfig)
  identity: IdentityConfig = new IdentityConfig();

  /** Extra plugin modules: paths (relative to the config file) or package names. */
  @IsArray()
  @IsString({ each: true })
  plugins: string[] = [];
}

/** NAT `general` keys that Userscope accepts and ignores, so NAT configs load unchanged. */
export const IGNORED_NAT_GENERAL_KEYS = ['use_uvloop', 'telemetry', 'front_end', 'cache_dir', 'registry_handlers'];
