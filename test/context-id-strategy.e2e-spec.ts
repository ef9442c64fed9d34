import { startServer, TestServer } from './support/test-server';

/** A request-scoped controller a user writes gets the calling user's per-user instances (ContextIdStrategy). */
describe('per-user providers in request-scoped controllers', () => {
  let server: TestServer;
  const read = async (user: string): Promise<any> =>
    (await fetch(`${server.url}/counter`, { headers: { cookie: `nat-session=${user}` } })).json();

  beforeAll(async () => {
    server = await startServer('test/fixtures/request-scoped.yml');
  });
  afterAll(() => server.close());

  it('sees the same per-user instance the user\'s functions use', async () => {
    const first = (await server.post('/generate', {}, 'ana')).json;
    await server.post('/generate', {}, 'ana');
    expect(await read('ana')).toEqual({ user: 'ana', serial: first.serial, count: 2 });
  });

  it('gives each user their own instance, built once per user', async () => {
    const fromBen = await read('ben');
    expect(fromBen).toMatchObject({ user: 'ben', count: 0 });
    expect(await read('ben')).toEqual(fromBen);
    const ana = await read('ana');
    expect(ana.serial).not.toBe(fromBen.serial);
    expect((await server.post('/generate', {}, 'ben')).json).toEqual({ serial: fromBen.serial, count: 1 });
  });
});
