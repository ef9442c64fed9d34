export { loadApplication, type LoadedApplication, BUILTIN_PLUGINS } from './application.loader';
export { runCli } from './commands/cli.runner';
