import { ParseArgsConfig } from 'node:util';

/** One CLI command: its options, its help text, and what it does (returns an exit code, or undefined to keep running). */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command takes arguments besides its options (`init DIR`). */
  positionals?: boolean;
  run(values: Record<string, string | boolean | undefined>, positionals?: string[]): Promise<number | undefined>;
}

/** `--config_file` or its alias `--config`; a usage error when neither is given. */
export function configFileOption(values: Record<string, string | boolean | undefined>, usage: string): string {
  const file = values.config_file ?? values.config;
  if (typeof file !== 'string' || !file) throw new UsageError(`--config_file is required.\n\n${usage}`);
  return file;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const CONFIG_OPTIONS = {
  config_file: { type: 'string' },
  config: { type: 'string' },
} as const;
