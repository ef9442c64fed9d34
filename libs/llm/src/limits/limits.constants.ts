/** `general.limits`. */
export const USER_LIMITS_CONFIG = Symbol.for('userscope:user-limits-config');
/** Where users' budgets are counted (memory, or the shared Redis). */
export const BUDGET_COUNTER = Symbol.for('userscope:budget-counter');
/** Users' own limits, set through the API. */
export const LIMIT_OVERRIDES = Symbol.for('userscope:limit-overrides');
/** Where users' runs in flight are counted (memory, or the shared Redis). */
export const RUN_SLOTS = Symbol.for('userscope:run-slots');
