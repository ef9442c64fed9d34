/** Where the usage records are kept (memory, or the shared Redis). */
export const USAGE_STORE = Symbol.for('userscope:usage-store');
/** `general.usage`. */
export const USAGE_CONFIG = Symbol.for('userscope:usage-config');
