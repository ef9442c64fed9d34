import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PerUserMcpClientConfig } from './mcp-client.config';

function load(raw: Record<string, unknown>): { config: PerUserMcpClientConfig; errors: string[] } {
  const config = plainToInstance(PerUserMcpClientConfig, raw);
  const errors = validateSync(config).flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`),
    ...(error.children ?? []).flatMap((child) => Object.values(child.constraints ?? {}).map((message) => `${error.property}.${child.property}: ${message}`)),
  ]);
  return { config, errors };
}

describe('MCP client group config: headers and server.env', () => {
  const stdio = { transport: 'stdio', command: 'node' };

  it('takes numbers and booleans as their text (a whole-value ${PORT:-8080} loads as a number)', () => {
    const { config, errors } = load({ server: { ...stdio, env: { PORT: 8080, DEBUG: true } }, headers: { 'X-Retries': 3 } });
    expect(errors).toEqual([]);
    expect(config.server.env).toEqual({ PORT: '8080', DEBUG: 'true' });
    expect(config.headers).toEqual({ 'X-Retries': '3' });
  });

  it('refuses a value that is not text, and a name that is not a header or variable name, naming it', () => {
    expect(load({ server: stdio, headers: { Authorization: { nested: 'x' } } }).errors).toEqual(["headers: 'Authorization' must be a string"]);
    expect(load({ server: stdio, headers: { 'Bad Header': 'x' } }).errors).toEqual([expect.stringMatching(/^headers: 'Bad Header' is not a valid header name/)]);
    expect(load({ server: { ...stdio, env: { '1X': 'x' } } }).errors).toEqual([expect.stringMatching(/^server\.env: '1X' is not a valid environment variable name/)]);
    expect(load({ server: stdio, headers: ['Authorization: x'] }).errors).toEqual(['headers: must be a mapping of header names to strings']);
  });
});
