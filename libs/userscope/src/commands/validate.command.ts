import { WORKFLOW_NAME } from '@userscope/runtime';
import { loadApplication } from '../application.loader';
import { createUserscopeApp } from '../userscope-app.factory';
import { CliCommand, CONFIG_OPTIONS, configFileOption } from './cli-command';

const usage = `Usage: userscope validate --config_file PATH

Checks a config file without serving it: YAML, environment references, every function's settings,
references between functions, and that the application can be built. Exits 0 when valid, 1 otherwise.
  --config_file, --config PATH  the YAML config to check`;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check a config file (exit 0 valid, 1 invalid)',
  usage,
  options: { ...CONFIG_OPTIONS },
  async run(values) {
    const file = configFileOption(values, usage);
    const loaded = loadApplication(file);

    try {
      // The whole server, built but not listening: identity key files, stores and the graph check included.
      const app = await createUserscopeApp(loaded, { logger: false });
      await app.close();
    } catch (error) {
      console.error(`Invalid config ${file}: ${(error as Error).message}`);
      return 1;
    }
    const { config } = loaded;
    config.warnings.forEach((warning) => console.warn(`warning: ${warning}`));
    const functions = [...config.functions.values()].filter((fn) => fn.name !== WORKFLOW_NAME);
    console.log(
      `${file} is valid: workflow ${config.workflow.type.name} (${config.workflow.type.scope}), ` +
        `${functions.length} function(s): ${functions.map((fn) => `${fn.name} (${fn.type.name}, ${fn.type.scope})`).join(', ') || 'none'}`,
    );
    return 0;
  },
};
