/** One problem found in a config file: where (dotted key path) and what. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A config file that cannot be used. Carries every issue found, not just the first. */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      `Invalid config ${file}:\n` +
        issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n'),
    );
  }
}
