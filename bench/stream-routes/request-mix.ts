import { LoadRequest } from '../harness/load';
import { cycleLength, generateRequest } from '../generate/request-mix';

/** The stream-routes bench's two routes, each with its own mix over `users` users. */
export type StreamRoute = '/generate/stream' | '/v1/chat/completions';

/** The n-th request of `route`'s mix: the /generate bench's commands on /generate/stream; a one-message chat on /v1. */
export function routeRequest(route: StreamRoute, n: number, users: number, prefix: string): LoadRequest {
  if (route === '/generate/stream') return { ...generateRequest(n, users, prefix), path: route };
  const user = n % users;
  return {
    method: 'POST',
    path: route,
    headers: { 'content-type': 'application/json', cookie: `nat-session=${prefix}-${user}` },
    body: JSON.stringify({ model: 'per_user_chat_agent', messages: [{ role: 'user', content: `message ${Math.floor(n / users)} of user ${user}` }] }),
  };
}

/** An endless source of `route`'s mix, built up front (see generate/request-mix.ts's loadMix). */
export function routeMix(route: StreamRoute, users: number): () => LoadRequest {
  const cycle = Array.from({ length: cycleLength(users) }, (_, n) => routeRequest(route, n, users, 'user'));
  let n = 0;
  return () => cycle[n++ % cycle.length];
}

const CHECK_USERS = 3;

/**
 * A server's replies to one cycle of `route`'s mix sent one by one by three fresh users: status,
 * content type and body. A chat completion's id, creation time and token counts are masked: they
 * differ on every call, and the bare baseline counts no tokens.
 */
export async function routeTranscript(url: string, route: StreamRoute): Promise<string[]> {
  const replies: string[] = [];
  for (let n = 0; n < cycleLength(CHECK_USERS); n++) {
    const request = routeRequest(route, n, CHECK_USERS, 'conformance');
    const response = await fetch(`${url}${request.path}`, request);
    let body = await response.text();
    if (route === '/v1/chat/completions') {
      body = body
        .replace(/"id":"chatcmpl-[0-9a-f]{32}"/, '"id":"chatcmpl-…"')
        .replace(/"created":\d+/, '"created":…')
        .replace(/"usage":\{[^}]*\}/, '"usage":…');
    }
    replies.push(`${response.status} ${response.headers.get('content-type')} ${body}`);
  }
  return replies;
}
