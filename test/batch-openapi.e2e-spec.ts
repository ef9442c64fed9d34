import { startServer, TestServer } from './support/test-server';

type Json = any;

describe('the batch API in the OpenAPI document', () => {
  let server: TestServer;
  let document: Json;

  beforeAll(async () => {
    server = await startServer('test/fixtures/batch.yml', { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    document = await (await fetch(`${server.url}/openapi.json`)).json();
  });
  afterAll(() => server.close());

  /** The schema of a route's JSON body, its `$ref` followed. */
  const bodyOf = (path: string, method: string): Json => {
    const schema = document.paths[path][method].requestBody.content['application/json'].schema;
    return document.components.schemas[schema.$ref.slice('#/components/schemas/'.length)];
  };

  it('documents the body of POST /api/runs: the workflow, the selection, concurrency and force', () => {
    const body = bodyOf('/api/runs', 'post');
    expect(body.required).toEqual(['workflowId']);
    expect(body.properties).toMatchObject({
      workflowId: { type: 'string' },
      userIds: { type: 'array', items: { type: 'string' }, minItems: 1 },
      all: { type: 'boolean' },
      concurrency: { type: 'integer', minimum: 1 },
      force: { type: 'boolean' },
    });
  });

  it('documents the selection of a preflight', () => {
    expect(Object.keys(bodyOf('/api/workflows/{id}/preflight', 'post').properties).sort()).toEqual(['all', 'userIds']);
  });

  it.each([['/api/users', 'post'], ['/api/users/{id}', 'put']])('documents the user of %s: name required, id with its pattern', (path, method) => {
    const user = bodyOf(path, method);
    expect(user.required).toEqual(['name']);
    expect(user.properties.id).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(user.description).toContain('any other fields');
  });

  it.each([['/api/workflows', 'post'], ['/api/workflows/{id}', 'put']])('documents the workflow of %s with its nodes', (path, method) => {
    const workflow = bodyOf(path, method);
    expect(workflow.required).toEqual(['id', 'name', 'nodes']);
    expect(workflow.properties.nodes).toMatchObject({ type: 'array', minItems: 1, items: { $ref: '#/components/schemas/BatchNodeDefinition' } });
    const node = document.components.schemas.BatchNodeDefinition;
    expect(node.required).toEqual(['id', 'type']);
    expect(node.properties.type.enum).toEqual(['llm', 'function', 'template']);
  });

  it('documents the import as a JSON array of users or CSV text', () => {
    const content = document.paths['/api/users/import'].post.requestBody.content;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'text/csv']);
    expect(content['text/csv'].schema.oneOf).toEqual([{ type: 'array', items: { $ref: '#/components/schemas/UserDto' } }, { type: 'string', description: 'CSV text' }]);
  });
});
