import { cycleLength, generateRequest } from './request-mix';

const USERS = 3;
const CYCLES = 2;

/** A server's replies, `<status> <body>`, to two cycles of the mix sent one by one by three fresh users. */
export async function replyTranscript(url: string): Promise<string[]> {
  const replies: string[] = [];
  for (let n = 0; n < cycleLength(USERS) * CYCLES; n++) {
    const request = generateRequest(n, USERS, 'conformance');
    const response = await fetch(`${url}${request.path}`, request);
    replies.push(`${response.status} ${await response.text()}`);
  }
  return replies;
}

/** Baselines only count if they do what the example does: same statuses, same bodies byte for byte. */
export function assertSameReplies(reference: string[], actual: string[], what: string): void {
  const at = reference.findIndex((reply, i) => reply !== actual[i]);
  if (at < 0 && reference.length === actual.length) return;
  const request = generateRequest(at, USERS, 'conformance');
  throw new Error(
    `${what} answers the mix differently from Userscope at request ${at} (${request.headers.cookie} ${request.body}):\n` +
      `  userscope: ${reference[at]}\n  ${what}: ${actual[at]}`,
  );
}
