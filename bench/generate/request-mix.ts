import { LoadRequest } from '../harness/load';

/** Distinct users the load rotates over, one `nat-session` cookie each. */
export const USERS = 1000;

type Command = (user: number, sweep: number) => Record<string, string>;

/**
 * One command per sweep over all users, in this order, then again. The `clear` keeps every user's
 * notes list short and the same length on every server, so a faster server does not end up
 * serializing longer lists than a slower one.
 */
const COMMANDS: Command[] = [
  (user, sweep) => ({ command: 'note', action: 'add', param1: `note ${sweep} of user ${user}` }),
  () => ({ command: 'note', action: 'list' }),
  () => ({ command: 'pref', action: 'get', param1: 'theme' }),
  () => ({ command: 'stats' }),
  (user, sweep) => ({ command: 'note', action: 'add', param1: `note ${sweep} of user ${user}` }),
  (user) => ({ command: 'pref', action: 'set', param1: 'theme', param2: user % 2 ? 'light' : 'dark' }),
  () => ({ command: 'note', action: 'list' }),
  () => ({ command: 'note', action: 'clear' }),
];

/** The n-th POST /generate of the mix over `users` users named `<prefix>-<i>`. */
export function generateRequest(n: number, users: number, prefix: string): LoadRequest {
  const user = n % users;
  const sweep = Math.floor(n / users);
  return {
    method: 'POST',
    path: '/generate',
    headers: { 'content-type': 'application/json', cookie: `nat-session=${prefix}-${user}` },
    body: JSON.stringify(COMMANDS[sweep % COMMANDS.length](user, sweep % COMMANDS.length)),
  };
}

/** Requests in one full cycle: every command once for every user. */
export function cycleLength(users: number): number {
  return users * COMMANDS.length;
}

/**
 * An endless source of the mix for the load, built up front so the load generator, which shares
 * the machine with the server, spends no time on JSON per request.
 */
export function loadMix(users = USERS): () => LoadRequest {
  const cycle = Array.from({ length: cycleLength(users) }, (_, n) => generateRequest(n, users, 'user'));
  let n = 0;
  return () => cycle[n++ % cycle.length];
}
