import { inlineSchema, UserscopeConfig } from '@userscope/runtime';
import { loadApplication } from 'userscope';
import { startServer, TestServer } from './support/test-server';

type Json = any;

/** `schema`, or the component its `$ref` points to. */
function resolve(document: Json, schema: Json): Json {
  if (!schema?.$ref) return schema;
  return document.components.schemas[schema.$ref.slice('#/components/schemas/'.length)];
}

/** Every `$ref` anywhere in `value`. */
function refsIn(value: Json): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => (key === '$ref' ? [item as string] : refsIn(item)));
}

async function fetchDocument(server: TestServer): Promise<Json> {
  const response = await fetch(`${server.url}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  return response.json();
}

describe('OpenAPI document and Swagger UI', () => {
  describe('of the seed example (configs/config.yml)', () => {
    let server: TestServer;
    let config: UserscopeConfig;
    let document: Json;
    beforeAll(async () => {
      config = loadApplication('configs/config.yml').config;
      server = await startServer('configs/config.yml');
      document = await fetchDocument(server);
    });
    afterAll(() => server.close());

    it("documents the body of /generate as the workflow's input schema, descriptions and defaults included", () => {
      const body = document.paths['/generate'].post.requestBody;
      expect(body.required).toBe(true);
      const schema = resolve(document, body.content['application/json'].schema);
      expect(schema).toEqual(inlineSchema(config.workflow.type.inputSchema));
      expect(schema.properties.action).toEqual({ type: 'string', description: 'Action for the command', default: '' });
      expect(schema.required).toEqual(['command']);
    });

    it("documents the 200 reply of /generate as the workflow's output schema", () => {
      const reply = document.paths['/generate'].post.responses['200'];
      expect(resolve(document, reply.content['application/json'].schema)).toEqual(inlineSchema(config.workflow.type.outputSchema!));
    });

    it('documents /generate/stream as an event stream whose events carry the output', () => {
      const operation = document.paths['/generate/stream'].post;
      expect(resolve(document, operation.requestBody.content['application/json'].schema)).toEqual(
        inlineSchema(config.workflow.type.inputSchema),
      );
      const reply = operation.responses['200'];
      expect(Object.keys(reply.content)).toEqual(['text/event-stream']);
      expect(resolve(document, reply.content['text/event-stream'].schema)).toEqual(inlineSchema(config.workflow.type.outputSchema!));
      expect(reply.description).toContain('event: end');
      expect(reply.description).toContain('event: error');
    });

    it.each([
      ['/generate', ['400', '401', '413', '422']],
      ['/generate/stream', ['400', '401', '413']],
    ])('documents the error replies of %s with the error schema', (path, statuses) => {
      const responses = document.paths[path].post.responses;
      expect(Object.keys(responses).sort()).toEqual(['200', ...statuses]);
      for (const status of statuses) {
        expect(responses[status].description).toEqual(expect.any(String));
        expect(resolve(document, responses[status].content['application/json'].schema)).toEqual({
          type: 'object',
          required: ['code', 'message'],
          properties: { code: expect.objectContaining({ type: 'string' }), message: expect.objectContaining({ type: 'string' }), details: expect.any(Object) },
        });
      }
      expect(responses['401'].description).toContain('nat-session');
    });

    it('gives every public endpoint a summary', () => {
      const operations = [['/generate', 'post'], ['/generate/stream', 'post'], ['/health', 'get']];
      for (const [path, method] of operations) {
        expect({ path, summary: document.paths[path]?.[method]?.summary }).toEqual({ path, summary: expect.stringMatching(/\w/) });
      }
    });

    it('describes the identity cookie as the security of the per-user routes', () => {
      expect(document.components.securitySchemes['nat-session']).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'nat-session' });
      expect(document.paths['/generate'].post.security).toEqual([{ 'nat-session': [] }]);
      expect(document.paths['/generate/stream'].post.security).toEqual([{ 'nat-session': [] }]);
      expect(document.paths['/health'].get.security).toEqual([]);
    });

    it("documents a user's saved state and its purge, their replies as schemas with descriptions", () => {
      const state = document.paths['/monitor/users/{user_id}/state'].get;
      expect(Object.keys(state.responses).sort()).toEqual(['200', '401', '403', '404', '409', '503']);
      const reply = resolve(document, state.responses['200'].content['application/json'].schema);
      expect(Object.keys(reply.properties)).toEqual(['user_id', 'states', 'token', 'expires_at']);
      expect(Object.values(reply.properties).every((property: Json) => typeof property.description === 'string')).toBe(true);
      expect(state.responses['409'].description).toContain('session_state_not_kept');
      const end = document.paths['/monitor/users/{user_id}'].delete;
      expect(end.parameters).toContainEqual(expect.objectContaining({ name: 'purge', in: 'query', required: false, schema: { type: 'boolean' } }));
      const ended = resolve(document, end.responses['200'].content['application/json'].schema);
      expect(Object.keys(ended.properties)).toEqual(['user_id', 'ended', 'disposed', 'cleanup_errors', 'abandoned_requests', 'purged']);
    });

    it("documents the monitor's reply, without the cluster-only /monitor/replicas", () => {
      const reply = resolve(document, document.paths['/monitor/users'].get.responses['200'].content['application/json'].schema);
      expect(Object.keys(reply.properties)).toEqual(['timestamp', 'total_active_users', 'users', 'missing_replicas']);
      expect(reply.required).toEqual(['timestamp', 'total_active_users', 'users']);
      const entry = resolve(document, reply.properties.users.items);
      expect(Object.keys(entry.properties)).toEqual(['user_id', 'replica', 'session', 'requests', 'memory', 'llm', 'budget', 'mcp_sessions']);
      expect(document.paths['/monitor/replicas']).toBeUndefined();
    });

    it('defines every schema it refers to', () => {
      const refs = [...new Set(refsIn(document.paths))];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect({ ref, schema: resolve(document, { $ref: ref }) }).toEqual({ ref, schema: expect.any(Object) });
    });

    it('serves Swagger UI at /docs', async () => {
      const page = await fetch(`${server.url}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('swagger-ui');
      const assets = await Promise.all(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-init.js'].map((asset) => fetch(`${server.url}/docs/${asset}`)));
      expect(await Promise.all(assets.map(async (asset) => [asset.status, (await asset.text()).length > 0]))).toEqual(assets.map(() => [200, true]));
    });
  });

  describe('of a stream-only workflow with its own cookie name (test/fixtures/streaming.yml)', () => {
    let server: TestServer;
    let document: Json;
    beforeAll(async () => {
      const env = { ...process.env, STREAM_WORKFLOW: 'word_stream', SESSION_COOKIE: 'chat-user' };
      server = await startServer('test/fixtures/streaming.yml', env);
      document = await fetchDocument(server);
    });
    afterAll(() => server.close());

    it('documents the collected text as the reply of /generate and each chunk as the data of an event', () => {
      expect(document.paths['/generate'].post.responses['200'].content['application/json'].schema).toEqual({ type: 'string' });
      expect(document.paths['/generate/stream'].post.responses['200'].content['text/event-stream'].schema).toEqual({ type: 'string' });
      const input = resolve(document, document.paths['/generate'].post.requestBody.content['application/json'].schema);
      expect(input.properties.fail_after).toMatchObject({ type: 'number', description: 'Throw after this many words' });
      expect(input.required).toEqual(['text']);
    });

    it('names the configured cookie in the security scheme and the 401 reply', () => {
      expect(Object.keys(document.components.securitySchemes)).toEqual(['chat-user', 'admin_token']);
      expect(document.components.securitySchemes['chat-user']).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'chat-user' });
      expect(document.paths['/generate'].post.security).toEqual([{ 'chat-user': [] }]);
      expect(document.paths['/generate'].post.responses['401'].description).toContain('chat-user');
    });
  });
});
