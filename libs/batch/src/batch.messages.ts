/** Error texts of the batch API. */
export const BatchMessages = {
  noUser: (id: string) => `No user '${id}' in the directory.`,
  userExists: (id: string) => `A user with id '${id}' already exists.`,
  idMismatch: (id: string, body: string) => `The body's id '${body}' differs from the path's '${id}'; ids cannot change.`,
  invalidUser: (reason: string) => `Invalid user: ${reason}.`,
  /** The per-field errors of a refused user (`details: [{field, errors}]`), each after the field's name. */
  idTaken: () => 'is taken by another user',
  idFixed: () => 'cannot change',
  forbiddenKey: () => 'is not allowed as a key',
  tooManyUsers: (max: number) => `The directory holds at most ${max} users (batch.max_users).`,
  badImport: (reason: string) => `The import could not be read: ${reason}`,
  importContentType: (type: string) => `Import users as text/csv or application/json (got '${type}').`,
  csvHeader: () => "The CSV header must have a 'name' column (and optionally 'id' and any other fields).",
  csvColumn: (column: string) =>
    `The CSV column '${column}' cannot be a field: no empty parts between dots, and no '__proto__', 'constructor' or 'prototype'.`,
  csvColumnTooDeep: (column: string, limit: number) =>
    `The CSV column '${column.length > 80 ? `${column.slice(0, 80)}…` : column}' nests a field more than ${limit} levels deep, the server's limit (general.max_json_depth).`,
  csvCells: (cells: number, columns: number) => `the row has ${cells} cells but the header has ${columns} columns`,
  noWorkflow: (id: string) => `No batch workflow '${id}'.`,
  workflowExists: (id: string) => `A batch workflow with id '${id}' already exists.`,
  configWorkflow: (id: string) => `Workflow '${id}' is defined in the config file; change it there.`,
  invalidWorkflow: () => 'Invalid batch workflow.',
  noRun: (id: string) => `No run '${id}'.`,
  bodyNotObject: () => 'The request body must be a JSON object.',
  invalidBody: (problems: string[]) => `Invalid request body: ${problems.join('; ')}.`,
  noUsersSelected: () => "Select users: give 'userIds' (a non-empty list) or 'all: true'.",
  emptyDirectory: () => "The directory has no users; 'all: true' selects nobody.",
  unknownUsers: (ids: string[]) => `Unknown user ids: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}.`,
  concurrency: (max: number) => `concurrency must be an integer from 1 to ${max} (batch.max_concurrency).`,
  missingFields: (count: number) =>
    `${count} user(s) lack fields the workflow needs (on_missing: error); fix them, or start with force: true.`,
  runFinished: (id: string, status: string) => `Run '${id}' is already ${status}.`,
  storeUnavailable: (store: string, reason: string) =>
    `The batch store (${store}) is not answering: ${reason}. Try again shortly; GET /health/ready tells when it is back.`,
  staleClaim: (runId: string, userId: string) =>
    `The execution of user '${userId}' in run '${runId}' was taken over by another worker after its job's lock expired (batch.job_lock); this worker stopped writing it.`,
  staleLease: (id: string) =>
    `Run '${id}' was taken over by another server after its lease expired; this server stopped writing it.`,
  executionTimeout: (seconds: number) =>
    `The execution timed out after ${seconds}s (batch.execution_timeout) and was aborted; raise the setting or make its nodes faster.`,
  runLost: (id: string, unfinished: number, total: number) =>
    `Run ${id} is lost (batch.store: memory): ${unfinished} of ${total} execution(s) unfinished; use store: redis to resume runs after a restart.`,
  runLeftUnfinished: (id: string, unfinished: number) => `Run ${id} left unfinished: ${unfinished} execution(s) resume on the next start.`,
  storeCloseAbandoned: (store: string, reason: string) => `Gave up closing the batch store (${store}): ${reason}; connection dropped.`,
  tooManyTests: (max: number) =>
    `${max} test run(s) are already running on this server (batch.max_concurrent_tests); wait for one to finish, or raise the setting.`,
  testTimeout: (seconds: number) =>
    `The test run was aborted after ${seconds}s (batch.test_timeout); raise the setting or make its nodes faster.`,
  testClientGone: () => 'The client closed the request, so the test run was stopped.',
  testMissingFields: (user: string, fields: string[]) =>
    `${user} lacks ${fields.join(', ')}, which the workflow uses (on_missing: error); test on another user, fill the fields in, or set on_missing.`,
  noLlm: () => 'LLM nodes need the LLM providers, which are not loaded in this server.',
} as const;
