import { UserOwnedElsewhereError } from '../exceptions/user-ownership.exception';
import type { SessionLifecycle } from '../session/session.lifecycle';
import type { UserSession } from '../session/user-session';
import type { FunctionCatalog } from './function.catalog';
import { RemoteUserFunctions, UserCalls, UserInvoker } from './user-invoker';

/** Sessions of one process: a user in `elsewhere` is owned by replica 'r2', so claiming them is refused. */
function fakes(elsewhere: Set<string>) {
  const local: string[] = [];
  const sessions = {
    runAs: async (userId: string, work: (session: UserSession) => unknown) => {
      if (elsewhere.has(userId)) throw new UserOwnedElsewhereError(userId, 'r2');
      return work({ userId } as UserSession);
    },
  } as unknown as SessionLifecycle;
  const catalog = {
    get: (name: string) => (name === 'tally' ? {} : undefined),
    names: () => ['tally'],
    forSession: (session: UserSession, name: string) => ({
      invoke: async (input: unknown) => {
        local.push(`${name} of ${session.userId}`);
        return { here: session.userId, input };
      },
    }),
  } as unknown as FunctionCatalog;
  const remote: RemoteUserFunctions & { calls: unknown[][] } = {
    calls: [],
    async invoke(refusal, userId, name, input) {
      this.calls.push([refusal.ownerReplica, userId, name, input]);
      return { there: refusal.ownerReplica, input };
    },
  };
  return { sessions, catalog, remote, local };
}

const signal = new AbortController().signal;

describe('UserInvoker: runs work as a user wherever the user lives', () => {
  it('runs a user this process can claim here, in their session; nothing goes out', async () => {
    const { sessions, catalog, remote, local } = fakes(new Set());
    const invoker = new UserInvoker(sessions, catalog);
    invoker.use(remote);
    expect(await invoker.runAs('ann', (calls) => calls.invoke('tally', { n: 1 }, signal))).toEqual({ here: 'ann', input: { n: 1 } });
    expect([local, remote.calls]).toEqual([['tally of ann'], []]);
  });

  it('sends each call of a user another replica owns to that owner; a later runAs claims again, and takes the user over', async () => {
    const elsewhere = new Set(['bob']);
    const { sessions, catalog, remote, local } = fakes(elsewhere);
    const invoker = new UserInvoker(sessions, catalog);
    invoker.use(remote);
    const twice = (calls: UserCalls) => Promise.all([calls.invoke('tally', { n: 1 }, signal), calls.invoke('tally', { n: 2 }, signal)]);
    expect(await invoker.runAs('bob', twice)).toEqual([{ there: 'r2', input: { n: 1 } }, { there: 'r2', input: { n: 2 } }]);
    expect(remote.calls).toEqual([['r2', 'bob', 'tally', { n: 1 }], ['r2', 'bob', 'tally', { n: 2 }]]);
    elsewhere.delete('bob'); // the owner's lease ran out
    expect(await invoker.runAs('bob', (calls) => calls.invoke('tally', { n: 3 }, signal))).toEqual({ here: 'bob', input: { n: 3 } });
    expect(local).toEqual(['tally of bob']);
  });

  it("leaves the work's own errors to it: the same error thrown inside the work is not a refused claim", async () => {
    const { sessions, catalog, remote } = fakes(new Set());
    const invoker = new UserInvoker(sessions, catalog);
    invoker.use(remote);
    const own = new UserOwnedElsewhereError('carl', 'r3');
    await expect(invoker.runAs('ann', async () => Promise.reject(own))).rejects.toBe(own);
    expect(remote.calls).toEqual([]);
  });

  it('throws the refusal when nothing can reach other processes, and names an unknown function before sending it anywhere', async () => {
    const { sessions, catalog, remote } = fakes(new Set(['bob']));
    await expect(new UserInvoker(sessions, catalog).runAs('bob', async () => 'ran')).rejects.toBeInstanceOf(UserOwnedElsewhereError);
    const invoker = new UserInvoker(sessions, catalog);
    invoker.use(remote);
    await expect(invoker.runAs('bob', (calls) => calls.invoke('nope', {}, signal))).rejects.toThrow("No function named 'nope' is configured. Configured functions: tally.");
    expect(remote.calls).toEqual([]);
  });
});
