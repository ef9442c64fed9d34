/**
 * What every user of the idle-session benches did before going idle: added a note and set a
 * preference, the seed example's commands. JSON text, parsed per request as an HTTP body would be,
 * so Userscope and the baseline store the same strings. Every field is given, so no server's
 * defaults make one user's data differ between them.
 */
export function idleUserRequests(user: number): string[] {
  return [
    JSON.stringify({ command: 'note', action: 'add', param1: `note of user ${user}`, param2: '' }),
    JSON.stringify({ command: 'pref', action: 'set', param1: 'theme', param2: user % 2 ? 'light' : 'dark' }),
  ];
}
