import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAdminToken } from './admin-token';
import { api, ApiError } from './api';
import type { RunEvent } from './api-types';

function reply(body: BodyInit | null, init: ResponseInit = {}) {
  return vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(body, init));
}

afterEach(() => setAdminToken(''));

describe('api', () => {
  it('sends the admin token from settings as a bearer token', async () => {
    const fetch = reply(JSON.stringify({ items: [], total: 0 }), { headers: { 'content-type': 'application/json' } });
    setAdminToken('s3cret');
    await api.listUsers({ search: 'ali', sort: 'name', order: 'asc', offset: 0, limit: 50 });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/users?search=ali&sort=name&order=asc&offset=0&limit=50');
    expect(new Headers(init!.headers).get('authorization')).toBe('Bearer s3cret');
  });

  it('sends no authorization header without a token', async () => {
    const fetch = reply('[]');
    await api.listWorkflows();
    expect(new Headers(fetch.mock.calls[0][1]!.headers).has('authorization')).toBe(false);
  });

  it("turns the server's JSON error into an ApiError with code, message and details", async () => {
    reply(JSON.stringify({ code: 'bad_request', message: '2 user(s) lack fields', details: { ok: false } }), { status: 400 });
    const error = await api.startRun({ workflowId: 'w', userIds: ['a'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'bad_request', message: '2 user(s) lack fields', details: { ok: false } });
    expect((error as ApiError).needsAdminToken).toBe(false);
  });

  it('says when the admin token is what is missing', async () => {
    reply(JSON.stringify({ code: 'unauthorized', message: 'Send the admin token' }), { status: 401 });
    const error = (await api.listRuns().catch((e: unknown) => e)) as ApiError;
    expect(error.needsAdminToken).toBe(true);
  });

  it('posts CSV imports as text/csv with the mode', async () => {
    const fetch = reply(JSON.stringify({ imported: 1, rejected: [] }));
    await api.importUsers('id,name\na,A', 'csv', 'skip');
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/users/import?mode=skip');
    expect(new Headers(init!.headers).get('content-type')).toBe('text/csv');
    expect(init!.body).toBe('id,name\na,A');
  });

  it('downloads an export with the file name the server gives, bytes untouched', async () => {
    reply('\uFEFFuser,result\r\n', { headers: { 'content-disposition': 'attachment; filename="run-r1.csv"', 'content-type': 'text/csv' } });
    const file = await api.exportRunCsv('r1');
    expect(file.filename).toBe('run-r1.csv');
    expect(new Uint8Array(await file.blob.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it('follows run events until end', async () => {
    const stream = 'event: progress\ndata: {"total":1,"pending":0,"running":0,"succeeded":1,"failed":0,"cancelled":0}\n\nevent: end\ndata: {"status":"completed"}\n\n';
    reply(stream, { headers: { 'content-type': 'text/event-stream' } });
    const events: RunEvent[] = [];
    await api.followRun('r1', (event) => events.push(event), new AbortController().signal);
    expect(events.map((event) => event.type)).toEqual(['progress', 'end']);
    expect(events[1].data).toEqual({ status: 'completed' });
  });

  it('rejects when the event stream closes before the end event (so the page reconnects)', async () => {
    reply('event: progress\ndata: {}\n\n');
    await expect(api.followRun('r1', () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'stream_closed' });
  });
});
