/** What `LlmModule.forRoot()` takes; a loaded `UserscopeConfig` fits. */
export interface LlmModuleOptions {
  /** The `llms:` section as read from the file. */
  llms?: Record<string, unknown>;
  /** The config file, for messages. */
  file?: string;
}
