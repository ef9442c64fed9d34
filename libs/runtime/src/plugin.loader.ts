import { Type } from '@nestjs/common';
import { isAbsolute, resolve } from 'node:path';
import { PLUGIN_METADATA } from './runtime.constants';
import { FunctionRegistrationError } from './exceptions/function-registration.exception';

/**
 * Loads the plugin modules named in `general.plugins`: a path (relative to the config file's folder)
 * or a package name (looked up from the config's folder, then from the working directory, so that a
 * config kept outside the project still finds the project's packages). Every exported class
 * decorated with `@UserscopePlugin()` is a plugin module.
 */
export function loadPluginModules(specs: string[], baseDir: string): Type<object>[] {
  return specs.flatMap((spec) => {
    const request = spec.startsWith('.') || isAbsolute(spec) ? resolve(baseDir, spec) : spec;
    let exported: Record<string, unknown>;
    try {
      exported = require(require.resolve(request, { paths: [baseDir, process.cwd()] }));
    } catch (error) {
      throw new FunctionRegistrationError(
        `Plugin '${spec}' could not be loaded (looked from ${baseDir}): ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const modules = Object.values(exported ?? {}).filter(
      (value): value is Type<object> => typeof value === 'function' && Reflect.hasOwnMetadata(PLUGIN_METADATA, value),
    );
    if (modules.length === 0) {
      throw new FunctionRegistrationError(
        `Plugin '${spec}' exports no Nest module decorated with @UserscopePlugin({ functions: [...] }).`,
      );
    }
    return modules;
  });
}
