import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { UserscopeConfigDocument } from '../config/userscope-config.document';

/** Where the config comes from: a file (YAML, or a .js module exporting a config), or an object. */
export type UserscopeConfigSource =
  | {
      /** Path of `config.yml` (or a `.js`/`.cjs` file whose export is a config object). */
      configFile: string;
      /** Plugin modules besides those in `general.plugins`. */
      plugins?: Type<object>[];
      /** Where `${VAR}` references are read from; default `process.env`. */
      env?: NodeJS.ProcessEnv;
    }
  | {
      /** The config as an object, typed (see `defineConfig`). */
      config: UserscopeConfigDocument;
      /** Plugin modules besides those in `general.plugins`. */
      plugins?: Type<object>[];
      /** Where relative `general.plugins` paths start; default the working directory. */
      baseDir?: string;
    };

/** How the module behaves, whatever its config. */
export interface UserscopeModuleBehaviour {
  /**
   * The app is Userscope's alone (what `userscope serve` builds): its error shape then covers every
   * route, unknown paths and unparsable bodies included. Default false: the host's routes keep theirs.
   */
  standalone?: boolean;
  /** `false` leaves batch execution out even when the config has `batch:` (no store, no recovery). */
  batch?: boolean;
}

/** Options of `UserscopeModule.forRoot`. */
export type UserscopeModuleOptions = UserscopeConfigSource & UserscopeModuleBehaviour;

/** Options of `UserscopeModule.forRootAsync`. */
export interface UserscopeModuleAsyncOptions {
  /** Modules whose providers the factory injects. */
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: any[]) => UserscopeModuleOptions | Promise<UserscopeModuleOptions>;
}
