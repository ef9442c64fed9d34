import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { ErrorFilter, UserscopeHttpModule } from '@userscope/http';
import { UserscopeRuntimeModule } from '@userscope/runtime';
import { BatchModule } from '@userscope/batch';
import { LoadedApplication, loadApplication } from './application.loader';
import {
  UserscopeModuleAsyncOptions,
  UserscopeModuleBehaviour,
  UserscopeModuleOptions,
} from './interfaces/userscope-module-options.interface';

/**
 * Userscope in a Nest app on Fastify: the per-user runtime, its routes (`/generate`, the stream,
 * chat, `/v1`, `/monitor`, `/metrics`, `/health`, and `/api/*` when batch is configured), the LLMs
 * and the batch runner, from one config. Importing it is all a host app needs; `WorkflowRunner`,
 * `SessionLifecycle` and the function accessors are then injectable anywhere.
 */
@Module({})
export class UserscopeModule {
  /** Builds the module from a config file or a config object (checked now: a bad config throws here). */
  static forRoot(options: UserscopeModuleOptions): DynamicModule {
    return UserscopeModule.fromApplication(loadApplication(options), options);
  }

  /** @internal The module of an application already loaded (the CLI logs its warnings first). */
  static fromApplication(loaded: LoadedApplication, options: UserscopeModuleBehaviour = {}): DynamicModule {
    const modules = options.batch === false ? loaded.modules.filter((module) => module.module !== BatchModule) : loaded.modules;
    return {
      module: UserscopeModule,
      imports: [UserscopeRuntimeModule.forRoot(loaded), UserscopeHttpModule, ...modules],
      // Standalone, the app is Userscope's alone: every error, even outside a route, takes its shape.
      providers: options.standalone ? [{ provide: APP_FILTER, useClass: ErrorFilter }] : [],
      exports: [UserscopeHttpModule, ...modules],
    };
  }

  /**
   * Like `forRoot`, with the options from a factory. The configured functions become providers, so
   * the options must be known before the app's container is built: the factory runs first, in a
   * context of its own made of `imports` (keep those light, e.g. a config module).
   */
  static async forRootAsync(options: UserscopeModuleAsyncOptions): Promise<DynamicModule> {
    return UserscopeModule.forRoot(await resolveAsyncOptions(options));
  }
}

async function resolveAsyncOptions(options: UserscopeModuleAsyncOptions): Promise<UserscopeModuleOptions> {
  const inject = options.inject ?? [];
  if (inject.length === 0) return options.useFactory();
  @Module({ imports: options.imports ?? [] })
  class UserscopeOptionsContext {}
  const context = await NestFactory.createApplicationContext(UserscopeOptionsContext, { logger: false, abortOnError: false });
  try {
    const args = inject.map((dependency) => {
      const optional = typeof dependency === 'object' && dependency !== null && 'token' in dependency;
      const token = optional ? dependency.token : dependency;
      try {
        return context.get(token, { strict: false });
      } catch (error) {
        if (optional && dependency.optional) return undefined;
        throw error;
      }
    });
    return await options.useFactory(...args);
  } finally {
    await context.close();
  }
}
