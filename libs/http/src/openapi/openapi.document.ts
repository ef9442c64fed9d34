import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  ReferenceObject,
  ResponsesObject,
  SchemaObject,
} from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RegisteredFunctionType, TypeSchema, USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { IdentityResolver, IdentitySecurity } from '../identity/identity.resolver';
import { ADMIN_SECURITY_NAME, ADMIN_SECURITY_SCHEME } from '../admin/admin.security';
import { ERROR_SCHEMA, ERROR_SCHEMA_NAME, ERROR_SCHEMA_REF, OPENAI_ERROR_SCHEMA, OPENAI_ERROR_SCHEMA_NAME, OPENAI_ERROR_SCHEMA_REF } from './error-reply.schema';

type Schema = SchemaObject | ReferenceObject;

/** Where Swagger UI is served. */
export const DOCS_PATH = '/docs';

/** Where the OpenAPI document is served, as NAT's FastAPI server does. */
export const OPENAPI_JSON_PATH = '/openapi.json';

/**
 * Serves Swagger UI at `/docs` and the OpenAPI document at `/openapi.json`, of every route of the
 * app (the host's too). Call after `NestFactory.create`, before `listen`/`init`: Fastify takes no
 * routes once it is ready.
 */
export function setupOpenApi(app: NestFastifyApplication, config: UserscopeConfig = configOf(app)): void {
  // Built by the first request for it: scanning every route takes a few hundred ms a start need not wait for.
  SwaggerModule.setup(DOCS_PATH, app, () => createOpenApiDocument(app, config), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Userscope API',
  });
}

/**
 * The OpenAPI document of `app` serving `config`. Nest's scanner gives the routes and summaries; the
 * bodies and replies of `/generate` and `/generate/stream` are the configured workflow's schemas,
 * which only the config knows.
 */
export function createOpenApiDocument(app: NestFastifyApplication, config: UserscopeConfig = configOf(app)): OpenAPIObject {
  const security = app.get(IdentityResolver).security;
  const workflow = config.workflow.type;
  const base = new DocumentBuilder()
    .setTitle('Userscope')
    .setDescription(describeServer(workflow, security))
    // Relative: whichever host serves the document (Swagger UI's "Try it out" calls that host).
    .addServer('/', 'This server')
    .addSecurity(security.name, security.scheme)
    .addSecurity(ADMIN_SECURITY_NAME, ADMIN_SECURITY_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, base);
  describeWorkflowRoutes(document, workflow, security);
  describeChatRoutes(document, workflow, security);
  describeCallerRoutes(document, security);
  return document;
}

function describeServer(workflow: RegisteredFunctionType, security: IdentitySecurity): string {
  const summary = workflow.description ? `: ${workflow.description.replace(/\.$/, '')}` : '';
  const users =
    workflow.scope === 'per-user'
      ? `Each user, named by ${security.namedBy}, has their own instances of its functions.`
      : 'Its functions are shared by all callers.';
  return `Serves the workflow \`${workflow.name}\`${summary}. ${users}`;
}

function describeWorkflowRoutes(document: OpenAPIObject, workflow: RegisteredFunctionType, security: IdentitySecurity): void {
  const schemas = ((document.components ??= {}).schemas ??= {});
  for (const typeSchema of [workflow.inputSchema, workflow.outputSchema, workflow.streamSchema]) {
    Object.assign(schemas, typeSchema?.components);
  }
  schemas[ERROR_SCHEMA_NAME] = ERROR_SCHEMA;
  schemas[OPENAI_ERROR_SCHEMA_NAME] = OPENAI_ERROR_SCHEMA;

  const perUser = workflow.scope === 'per-user';
  const common: Partial<OperationObject> = {
    requestBody: {
      required: true,
      description: `The input of the workflow \`${workflow.name}\``,
      content: { 'application/json': { schema: workflow.inputSchema.schema } },
    },
    // A shared workflow needs no identity; a per-user one answers 401 without it.
    security: identityRequirement(perUser, security),
  };
  const generate = document.paths['/generate']?.post;
  if (generate) {
    Object.assign(generate, common, {
      responses: {
        200: {
          description: "The workflow's output (a stream-only workflow's chunks, collected)",
          content: { 'application/json': { schema: collectedOutput(workflow) } },
        },
        ...errorReplies(perUser, security),
        422: errorReply('`workflow_error`: the workflow threw; `details` names the function and the error'),
      },
    });
  }
  const stream = document.paths['/generate/stream']?.post;
  if (stream) {
    Object.assign(stream, common, {
      responses: {
        200: {
          description:
            'Server-sent events: `data: <JSON>` for each chunk of output (this schema), then `event: end` with ' +
            `\`data: {}\`. A failure once the stream has started is \`event: error\` with an \`${ERROR_SCHEMA_NAME}\` as data, ` +
            'and ends the stream. A client that disconnects cancels the workflow.',
          content: { 'text/event-stream': { schema: (workflow.streamSchema ?? workflow.outputSchema)!.schema } },
        },
        ...errorReplies(perUser, security),
      },
    });
  }
}

/**
 * The chat routes (bodies and replies are on their controllers): identity and errors, as for
 * `/generate`; on `/v1/*` the errors are in OpenAI's shape.
 */
function describeChatRoutes(document: OpenAPIObject, workflow: RegisteredFunctionType, security: IdentitySecurity): void {
  const perUser = workflow.scope === 'per-user';
  const notAChatWorkflow = '`not_a_chat_workflow`: the workflow does not take chat requests';
  for (const path of ['/chat', '/chat/stream', '/v1/chat/completions']) {
    const operation = document.paths[path]?.post;
    if (!operation) continue;
    const body = errorBodyOf(path);
    operation.security = identityRequirement(perUser, security);
    operation.responses = {
      ...operation.responses,
      ...errorReplies(perUser, security, body),
      400: errorReply(`${notAChatWorkflow}; or the body is not a chat request (\`invalid_input\`), not JSON (\`invalid_json\`)`, body),
      422: errorReply('`workflow_error`: the workflow (or its LLM) failed; once a stream has started, a `data: {"error": ...}` event', body),
    };
  }
  // Stored responses belong to a user: these routes want an identity even for a shared workflow.
  const responses = [document.paths['/v1/responses']?.post, document.paths['/v1/responses/{id}']?.get, document.paths['/v1/responses/{id}']?.delete];
  for (const operation of responses) {
    if (!operation) continue;
    operation.security = identityRequirement(true, security);
    operation.responses = {
      ...operation.responses,
      ...errorReplies(true, security, OPENAI_ERROR_SCHEMA_REF),
      ...(operation === responses[0]
        ? {
            400: errorReply(`${notAChatWorkflow}; or the body is not a Responses request (\`invalid_input\`, the field in \`param\`), not JSON (\`invalid_json\`)`, OPENAI_ERROR_SCHEMA_REF),
            422: errorReply('`workflow_error`: the workflow (or its LLM) failed; once a stream has started, an `error` event', OPENAI_ERROR_SCHEMA_REF),
          }
        : {}),
      503: errorReply('`response_store_unavailable`: the Redis of stored responses does not answer; or a limit of the server (`session_limit`)', OPENAI_ERROR_SCHEMA_REF),
    };
  }
  const models = document.paths['/v1/models']?.get;
  if (models) models.responses = { ...models.responses, 400: errorReply(notAChatWorkflow, errorBodyOf('/v1/models')) };
}

/** The caller's own routes (`/me/*`): the identity mode's scheme, whatever the workflow's scope. */
function describeCallerRoutes(document: OpenAPIObject, security: IdentitySecurity): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/me/')) continue;
    for (const operation of [item.get, item.put, item.post, item.delete]) {
      if (!operation) continue;
      operation.security = [{ [security.name]: [] }];
      operation.responses = { ...errorReplies(true, security), ...operation.responses };
    }
  }
}

/** The error body of `path`: OpenAI's on `/v1/*`, Userscope's elsewhere. */
function errorBodyOf(path: string): ReferenceObject {
  return path.startsWith('/v1/') ? OPENAI_ERROR_SCHEMA_REF : ERROR_SCHEMA_REF;
}

/** The security of a workflow route: the identity mode's scheme for a per-user workflow, none (`[]`, said outright) for a shared one. */
function identityRequirement(perUser: boolean, security: IdentitySecurity): OperationObject['security'] {
  return perUser ? [{ [security.name]: [] }] : [];
}

/** What `/generate` replies for the workflow: its output, or its stream's chunks collected. */
function collectedOutput(workflow: RegisteredFunctionType): Schema {
  if (workflow.outputSchema) return workflow.outputSchema.schema;
  const chunk: TypeSchema = workflow.streamSchema!;
  // Collecting concatenates string chunks and lists any others.
  return workflow.streamOutput === String ? chunk.schema : { type: 'array', items: chunk.schema };
}

/** The error replies a workflow route gives before running the workflow, with `body` as their schema. */
function errorReplies(perUser: boolean, security: IdentitySecurity, body: ReferenceObject = ERROR_SCHEMA_REF): ResponsesObject {
  return {
    400: errorReply(
      'The body does not match the input schema (`invalid_input`, `details` lists the fields), is not JSON ' +
        '(`invalid_json`), nests deeper than `general.max_json_depth` (`json_too_deep`), has a prototype key ' +
        '(`forbidden_key`) or bytes that are not UTF-8 (`invalid_utf8`), or the user id is malformed (`invalid_session_id`)',
      body,
    ),
    ...(perUser || security.verified
      ? {
          401: errorReply(
            [
              ...(perUser ? [`\`missing_identity\`: no identity (${security.namedBy}); the message says what to send`] : []),
              ...(security.verified ? ['`invalid_identity`: the credential failed verification; the message says why'] : []),
            ].join('. '),
            body,
          ),
        }
      : {}),
    413: errorReply("`payload_too_large`: the body is over the server's size limit", body),
  };
}

function errorReply(description: string, body: ReferenceObject = ERROR_SCHEMA_REF): ResponsesObject[string] {
  return { description, content: { 'application/json': { schema: body } } };
}

function configOf(app: NestFastifyApplication): UserscopeConfig {
  return app.get<UserscopeConfig>(USERSCOPE_CONFIG, { strict: false });
}
