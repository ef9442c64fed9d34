export { UserscopeModule } from './userscope.module';
export type {
  UserscopeConfigSource,
  UserscopeModuleAsyncOptions,
  UserscopeModuleBehaviour,
  UserscopeModuleOptions,
} from './interfaces/userscope-module-options.interface';
export { defineConfig, type TypedEntry, type UserscopeConfigDocument } from './config/userscope-config.document';
export { createUserscopeApp, prepareUserscopeApp, standaloneAppOptions, userscopeAdapter, type UserscopeAppOptions } from './userscope-app.factory';
export { loadApplication, type LoadedApplication, BUILTIN_PLUGINS, CODE_CONFIG_NAME } from './application.loader';
export { runCli } from './commands/cli.runner';
// What a host app calls on its Nest app, one call each (see the README's "Embed in a Nest app").
export { applyUserscopeBodyLimit, useGenerateFastPath, registerWebUi, setupOpenApi, enableGracefulShutdown, userscopeClientErrorHandler } from '@userscope/http';
