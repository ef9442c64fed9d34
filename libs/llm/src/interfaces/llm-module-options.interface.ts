/** What `LlmModule.forRoot()` takes besides a loaded `UserscopeConfig`: the `llms:` section alone. */
export interface LlmModuleOptions {
  /** The `llms:` section as read from the file. */
  llms?: Record<string, unknown>;
  /** The config file, for messages. */
  file?: string;
}
