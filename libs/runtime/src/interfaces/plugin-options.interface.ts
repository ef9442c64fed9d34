import { Type } from '@nestjs/common';

/** What `@UserscopePlugin()` declares on a plugin's Nest module. */
export interface UserscopePluginOptions {
  /** Classes decorated with `@PerUserFunction()`, `@SharedFunction()`, `@PerUserFunctionGroup()` or `@SharedFunctionGroup()`. */
  functions: Type<object>[];
}
