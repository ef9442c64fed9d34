import { parseArgs } from 'node:util';
import { ConfigError, FunctionRegistrationError } from '@userscope/runtime';
import { serveCommand } from './serve.command';
import { runCommand } from './run.command';
import { validateCommand } from './validate.command';
import { batchCommand } from './batch.command';
import { initCommand } from './init.command';
import { workerCommand } from './worker.command';
import { CliCommand, UsageError } from './cli-command';

const COMMANDS: CliCommand[] = [initCommand, serveCommand, runCommand, validateCommand, batchCommand, workerCommand];

function mainHelp(): string {
  return [
    'Usage: userscope <command> [options]   (npm run cli -- <command> [options])',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`),
    '',
    "Run 'userscope <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script). Resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`Unknown command '${name}'.\n\n${mainHelp()}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: command.positionals === true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${command.usage}`);
    return 2;
  }
  if (values.help) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(values, positionals);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof FunctionRegistrationError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}
