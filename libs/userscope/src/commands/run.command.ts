import { NestFactory } from '@nestjs/core';
import { IdentityRequiredError, SESSION_ID_PATTERN, UserscopeHttpError, WorkflowRunner } from '@userscope/runtime';
import { loadApplication } from '../application.loader';
import { UserscopeModule } from '../userscope.module';
import { CliCommand, CONFIG_OPTIONS, configFileOption, UsageError } from './cli-command';

const usage = `Usage: userscope run --config_file PATH --input JSON [--user ID]

Runs the workflow once and prints its JSON reply.
  --config_file, --config PATH  the YAML config
  --input JSON                  the workflow input, e.g. '{"command":"help"}'
  --user ID                     the user to run as (required for a per-user workflow)`;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run the workflow once and print the reply',
  usage,
  options: { ...CONFIG_OPTIONS, input: { type: 'string' }, user: { type: 'string' } },
  async run(values) {
    const file = configFileOption(values, usage);
    if (typeof values.input !== 'string') throw new UsageError(`--input is required.\n\n${usage}`);
    let input: unknown;
    try {
      input = JSON.parse(values.input);
    } catch (error) {
      throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
    }
    const user = values.user as string | undefined;
    if (user !== undefined && !SESSION_ID_PATTERN.test(user)) {
      throw new UsageError(`--user must match ${SESSION_ID_PATTERN.source}.`);
    }
    const loaded = loadApplication(file);

    const app = await NestFactory.createApplicationContext(UserscopeModule.fromApplication(loaded, { batch: false }), {
      logger: ['error', 'warn'],
      abortOnError: false,
    });
    try {
      const output = await app.get(WorkflowRunner).run({ userId: user }, input);
      console.log(JSON.stringify(output));
      return 0;
    } catch (error) {
      if (error instanceof IdentityRequiredError) {
        console.error(JSON.stringify({ code: 'missing_identity', message: 'This workflow is per-user: pass --user ID.' }));
        return 1;
      }
      if (!(error instanceof UserscopeHttpError)) throw error;
      console.error(JSON.stringify(error.body));
      return 1;
    } finally {
      await app.close();
    }
  },
};

