import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redoclyLint, LintProblem } from './support/redocly-lint';
import { startServer } from './support/test-server';

type Json = any;

/** The warnings that remain, each listed in the README's OpenAPI section with why. */
const KNOWN_WARNINGS = [
  { ruleId: 'info-license', pointer: '#/info' },
  { ruleId: 'operation-4xx-response', pointer: '#/paths/~1health/get/responses' },
  { ruleId: 'operation-4xx-response', pointer: '#/paths/~1health~1ready/get/responses' },
];

const SHIPPED_CONFIGS = readdirSync('configs').filter((file) => file.endsWith('.yml')).map((file) => `configs/${file}`);

async function documentOf(configFile: string, env: NodeJS.ProcessEnv = {}): Promise<Json> {
  const server = await startServer(configFile, { ...process.env, ...env });
  try {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    return await response.json();
  } finally {
    await server.close();
  }
}

const located = (problems: LintProblem[]) => problems.map(({ ruleId, pointer }) => ({ ruleId, pointer }));
const byRule = (a: { ruleId: string; pointer: string }, b: { ruleId: string; pointer: string }) =>
  `${a.ruleId} ${a.pointer}`.localeCompare(`${b.ruleId} ${b.pointer}`);

/** Every operation of `document` as `[path, method, operation]`. */
function operations(document: Json): [string, string, Json][] {
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods as Json).map(([method, op]) => [path, method, op] as [string, string, Json]));
}

describe('redocly lint of the OpenAPI document', () => {
  it('ships configs to lint', () => {
    expect(SHIPPED_CONFIGS).toEqual(expect.arrayContaining(['configs/config.yml', 'configs/chat.yml', 'configs/agent-builder.yml']));
  });

  describe.each(SHIPPED_CONFIGS)('of %s', (configFile) => {
    let document: Json;
    beforeAll(async () => {
      document = await documentOf(configFile);
    }, 60_000);

    it('has no errors, and only the warnings the README lists', async () => {
      const report = await redoclyLint(document);
      expect(report.errors).toEqual([]);
      expect(located(report.warnings).sort(byRule)).toEqual([...KNOWN_WARNINGS].sort(byRule));
    }, 60_000);

    it("names a server, and defines the identity mode's scheme and the admin token's", () => {
      expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
      expect(document.components.securitySchemes).toEqual({
        'nat-session': expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'nat-session' }),
        admin_token: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      });
    });

    it('says the security of every operation: the identity on per-user routes, the admin token on operator routes, none outright on public ones', () => {
      const security = Object.fromEntries(operations(document).map(([path, method, op]) => [`${method.toUpperCase()} ${path}`, op.security]));
      expect(security['POST /generate']).toEqual([{ 'nat-session': [] }]);
      expect(security['POST /v1/chat/completions']).toEqual([{ 'nat-session': [] }]);
      expect(security['GET /health']).toEqual([]);
      expect(security['GET /health/ready']).toEqual([]);
      expect(security['GET /v1/models']).toEqual([]);
      // The MCP client's routes: a user's own secrets by their identity, the rest by the admin token.
      expect(security['PUT /me/secrets/{name}']).toEqual([{ 'nat-session': [] }]);
      expect(security['PUT /api/users/{id}/secrets/{name}']).toEqual([{ admin_token: [] }]);
      expect(security['GET /mcp/client/tool/list']).toEqual([{ admin_token: [] }]);
      const operator = Object.entries(security).filter(([route]) => /^\w+ \/(api|monitor|metrics)\b/.test(route));
      expect(operator.length).toBeGreaterThanOrEqual(4); // the monitor's and /metrics, with the batch API's where it is on
      expect(operator.filter(([, requirement]) => JSON.stringify(requirement) !== '[{"admin_token":[]}]')).toEqual([]);
    });

    it('documents the replies of /v1/models and the batch API with schemas', () => {
      const models = document.paths['/v1/models'].get.responses['200'].content['application/json'].schema;
      expect(document.components.schemas[models.$ref.split('/').pop()].required).toEqual(['object', 'data']);
      const batch = operations(document).filter(([path]) => path.startsWith('/api/'));
      for (const [path, method, op] of batch) {
        const [status, reply]: [string, Json] = Object.entries(op.responses as Json).find(([code]) => code.startsWith('2'))!;
        expect({ route: `${method} ${path}`, status, hasBody: reply.content !== undefined }).toEqual({ route: `${method} ${path}`, status, hasBody: status !== '204' });
      }
    });
  });

  describe.each([
    ['jwt', 'test/fixtures/identity-jwt.yml', { JWT_SECRET: 'jwt-hs256-secret-at-least-32-chars' }, { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }],
    ['api_key', 'test/fixtures/identity-api-key.yml', { API_KEYS_FILE: 'KEYS' }, { api_key: { type: 'apiKey', in: 'header', name: 'X-API-Key' } }],
    ['header', 'test/fixtures/identity-header.yml', { TRUSTED_PROXY: '127.0.0.1' }, { 'x-user-id': { type: 'apiKey', in: 'header', name: 'x-user-id' } }],
  ])('in identity mode %s', (_mode, configFile, env, scheme) => {
    let document: Json;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'userscope-openapi-keys-'));
      const keysFile = join(dir, 'keys.json');
      writeFileSync(keysFile, JSON.stringify({ 'alice-key-0123456789abcdef': 'alice' }));
      document = await documentOf(configFile, Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === 'KEYS' ? keysFile : value])));
    }, 60_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("has no errors, the mode's scheme on the per-user routes and the admin token's apart", async () => {
      const [name, expected] = Object.entries(scheme)[0];
      expect(document.components.securitySchemes[name]).toMatchObject(expected);
      expect(Object.keys(document.components.securitySchemes).sort()).toEqual([name, 'admin_token'].sort());
      expect(document.paths['/generate'].post.security).toEqual([{ [name]: [] }]);
      expect(document.paths['/monitor/users'].get.security).toEqual([{ admin_token: [] }]);
      expect(document.paths['/me/secrets'].get.security).toEqual([{ [name]: [] }]);
      expect(document.paths['/me/secrets'].get.responses['401']).toBeDefined();
      expect((await redoclyLint(document)).errors).toEqual([]);
    }, 60_000);
  });

  it('fails on the problems it is there to catch: an undefined scheme, no servers, a reply or body without a schema, a repeated operationId', async () => {
    const document = await documentOf('configs/config.yml');
    delete document.components.securitySchemes.admin_token;
    document.servers = [];
    delete document.paths['/api/users'].get.responses['200'].content;
    delete document.paths['/api/runs/{id}'].get.responses['200'].content['application/json'].schema;
    document.paths['/api/workers'].get.operationId = document.paths['/api/runs'].get.operationId;
    const rules = new Set((await redoclyLint(document)).errors.map((error) => error.ruleId));
    expect([...rules].sort()).toEqual(
      ['no-empty-servers', 'operation-operationId-unique', 'rule/body-has-schema', 'rule/reply-has-content', 'security-defined'].sort(),
    );
  }, 60_000);
});
