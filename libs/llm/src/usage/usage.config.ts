import { classConfigSection, IsDuration } from '@userscope/runtime';

/** `general.usage`: how long each LLM call's usage record is kept for `GET /api/usage`. */
export class UsageConfig {
  /** Records older than this are dropped (whole UTC days). */
  @IsDuration()
  retention: number = 90 * 24 * 3600;
}

export const USAGE_CONFIG_SECTION = classConfigSection('general.usage', UsageConfig);
