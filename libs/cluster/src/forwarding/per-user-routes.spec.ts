import type { FastifyRequest } from 'fastify';
import { requestUserOf } from './per-user-routes';

const request = (method: string, url: string | undefined, params: object = {}) => ({ method, routeOptions: { url }, params }) as unknown as FastifyRequest;

describe('requestUserOf: which requests their user’s owner must serve', () => {
  it.each(['/generate', '/generate/stream', '/chat', '/chat/stream', '/v1/chat/completions'])("POST %s: the caller's, claimed before it runs", (url) => {
    expect(requestUserOf(request('POST', url))).toEqual({ from: 'caller', claims: true });
  });

  it.each(['POST', 'GET', 'DELETE'])("%s /mcp (the MCP server): the caller's, claimed before it runs", (method) => {
    expect(requestUserOf(request(method, '/mcp'))).toEqual({ from: 'caller', claims: true });
  });

  it('DELETE /monitor/users/{id}: the user it names', () => {
    expect(requestUserOf(request('DELETE', '/monitor/users/:user_id', { user_id: 'ann' }))).toEqual({ from: 'path', userId: 'ann' });
  });

  it("a plugin's or the host's route: the caller's, followed but not claimed", () => {
    expect(requestUserOf(request('GET', '/tally'))).toEqual({ from: 'caller', claims: false });
    expect(requestUserOf(request('POST', '/notes/:id'))).toEqual({ from: 'caller', claims: false });
  });

  it.each([
    ['GET', '/health/ready'],
    ['GET', '/metrics'],
    ['GET', '/monitor/users'],
    ['GET', '/v1/models'],
    ['POST', '/api/runs'],
    ['GET', '/docs'],
    ['GET', '/mcp/client/tool/list'],
    ['POST', '/internal/users/:user_id/functions/:name/invoke'],
  ])("%s %s: any replica's", (method, url) => {
    expect(requestUserOf(request(method, url))).toBeUndefined();
  });

  it('an unknown path: any replica answers its 404', () => {
    expect(requestUserOf(request('GET', undefined))).toBeUndefined();
  });
});
