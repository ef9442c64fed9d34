import { Logger } from '@nestjs/common';
import { enableGracefulShutdown } from '@userscope/http';
import { loadApplication } from '../application.loader';
import { createUserscopeApp } from '../userscope-app.factory';
import { CliCommand, CONFIG_OPTIONS, configFileOption, UsageError } from './cli-command';

const usage = `Usage: userscope serve --config_file PATH [--host HOST] [--port PORT]

Serves the workflow of a config file over HTTP (POST /generate, GET /health).
  --config_file, --config PATH  the YAML config to serve
  --host HOST                   address to bind (default: localhost; 0.0.0.0 for all interfaces)
  --port PORT                   port (default: $PORT, else 8000)`;

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve a config over HTTP',
  usage,
  options: { ...CONFIG_OPTIONS, host: { type: 'string' }, port: { type: 'string' } },
  async run(values) {
    const file = configFileOption(values, usage);
    const port = Number(values.port ?? process.env.PORT ?? 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535 (got ${values.port ?? process.env.PORT}).`);
    const host = typeof values.host === 'string' ? values.host : 'localhost';
    const logger = new Logger('Userscope');
    logger.log(`Starting Userscope from config file: '${file}'`);
    const loaded = loadApplication(file);
    loaded.config.warnings.forEach((warning) => logger.warn(warning));
    const app = await createUserscopeApp(loaded);
    enableGracefulShutdown(app, { graceMs: loaded.config.general.shutdown_grace_period * 1000, processFaults: true });
    await app.listen(port, host);
    const url = await app.getUrl();
    logger.log(`Serving '${file}' at ${url} (workflow: ${loaded.config.workflow.type.name})`);
    logger.log(`MCP endpoint (Streamable HTTP) at ${url}/mcp`);
    return undefined;
  },
};
