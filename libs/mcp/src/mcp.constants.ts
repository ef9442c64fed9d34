/** DI token of the SecretRecords the secrets are kept in. */
export const SECRET_RECORDS = Symbol.for('userscope:mcp:secret-records');
/** DI token of McpModuleOptions. */
export const MCP_MODULE_OPTIONS = Symbol.for('userscope:mcp:options');
/** A secret's name: what `{{secret:<name>}}` and `/secrets/<name>` take. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
