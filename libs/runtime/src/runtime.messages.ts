/** Every error text a user of the runtime can meet, in one place. */
export const RuntimeMessages = {
  typeWithoutDecorator: (cls: string, plugin: string) =>
    `${cls} is listed in the functions of plugin ${plugin} but has no @PerUserFunction(), @SharedFunction() or function group decorator.`,
  typeWithoutName: (cls: string) => `${cls}: the function type needs a non-empty 'name' (the _type used in YAML).`,
  typeWithoutInput: (type: string) => `Function type '${type}' declares no 'input' schema; every function type needs one.`,
  typeWithoutOutput: (type: string) =>
    `Function type '${type}' declares neither 'output' nor 'streamOutput'; it needs at least one.`,
  typeMissingMethod: (type: string, method: string, option: string) =>
    `Function type '${type}' declares '${option}' but its class has no ${method}() method.`,
  typeRegisteredTwice: (type: string, first: string, second: string) =>
    `Function type '${type}' is registered twice: by ${first} and by ${second}. Type names must be unique.`,
  groupWithoutFunctions: (type: string) =>
    `Function group type '${type}' has no @GroupFunction() methods; a group needs at least one.`,
  discoveredGroupMissingMethod: (type: string, method: string) =>
    `Function group type '${type}' is declared with discovered: true but has no ${method}() method (see DiscoveredFunctionGroup).`,
  groupFunctionTwice: (type: string, fn: string) => `Function group type '${type}' declares the function '${fn}' twice.`,
  groupFunctionBothOutputs: (type: string, fn: string) =>
    `Function '${fn}' of group '${type}' declares both 'output' and 'streamOutput'; a group method has one.`,
  unknownGroupType: (type: string, known: string[]) =>
    `unknown function group _type '${type}'. Registered group types: ${known.join(', ') || '(none)'}.`,
  unknownGroupMembers: (names: string[], known: string[]) =>
    `names functions the group does not have: ${names.join(', ')} (the group has: ${known.join(', ')})`,
  includeAndExclude: () => `give 'include' or 'exclude', not both`,
  unknownType: (type: string, known: string[]) =>
    `unknown _type '${type}'. Registered types: ${known.join(', ') || '(none)'}. ` +
    `A plugin's types need the plugin in general.plugins (the seed example's: "@userscope/examples").`,
  missingType: () => `'_type' is required: it names the registered function type to build.`,
  unknownFunction: (name: string, known: string[]) =>
    `No function named '${name}' is configured. Configured functions: ${known.join(', ') || '(none)'}.`,
  invalidInput: (name: string) => `The input does not match the input schema of '${name}'.`,
  noSingleOutput: (name: string) => `Function '${name}' has no single output; call stream() instead.`,
  identityRequired: (name: string) => `Workflow '${name}' is per-user: it runs only as a user, and no user id was given.`,
  invalidSessionId: (pattern: string) => `Invalid session id: it must match ${pattern}.`,
  perUserFromShared: (name: string) =>
    `Function '${name}' is per-user and cannot be reached from a shared function; only per-user functions may use it.`,
  sessionLimit: (limit: number) =>
    `The server holds its maximum of ${limit} user sessions and none is idle; try again shortly (general.max_sessions).`,
  queueFull: (running: number, queued: number) =>
    `Too many requests for this user: ${running} running and ${queued} waiting (general.max_concurrency_per_user, general.max_queued_requests_per_user).`,
  queueTimeout: (seconds: number) =>
    `Too many requests for this user: waited ${seconds}s for a free slot (general.queue_timeout).`,
  workflowFailed: (name: string) => `Workflow '${name}' failed.`,
  unhandledRejection: (where: string, reason: string) =>
    `Unhandled promise rejection (${where}): ${reason}. The server keeps serving; the function should await or catch that promise.`,
  uncaughtException: (where: string, reason: string) =>
    `Uncaught exception (${where}): ${reason}. Shutting down gracefully: the process's state can no longer be trusted.`,
  faultUnattributed: () => 'function and user unknown: set general.track_current_session: true to name them',
  functionTimeout: (name: string, seconds: number) =>
    `Function '${name}' did not finish within ${seconds}s (general.function_timeout); it was aborted. Raise the setting, or make the function faster.`,
  userOwnedElsewhere: (userId: string, replica: string) =>
    `User '${userId}' is served by replica '${replica}', which did not answer for this one; retry shortly.`,
  leaseLost: (userId: string) =>
    `This replica no longer owns user '${userId}' (its lease expired while it was unreachable); the call did not run, or its changes were not saved. Retry: the user's current owner will serve it.`,
  sectionNotChecked: (key: string) =>
    `The config section '${key}' was not checked: pass its ConfigSection to resolveConfig() with the others.`,
} as const;
