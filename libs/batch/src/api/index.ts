// The batch API's shapes, shared with the web page (which imports them with `import type`).
export type * from './users.types';
export type * from './workflows.types';
export type * from './runs.types';
export type * from './workers.types';
