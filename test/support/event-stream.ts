import { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';

import { parseEvents, type TestStreamEvent as ServerSentEvent } from '@userscope/testing';

export { parseEvents, type ServerSentEvent };

/** A stream opened with node's own HTTP client, its first event read, the connection still open. */
export interface OpenStream {
  request: ClientRequest;
  response: IncomingMessage;
  firstEvent: ServerSentEvent;
}

/** POSTs `body` to `url` as `user` and resolves once the first event has arrived. */
export function openStream(url: string, body: unknown, user: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      const onData = (piece: string) => {
        text += piece;
        const end = text.indexOf('\n\n');
        if (end < 0) return;
        response.off('data', onData);
        response.pause();
        resolve({ request, response, firstEvent: parseEvents(text.slice(0, end + 2))[0] });
      };
      response.on('data', onData);
      response.on('error', reject);
    });
    request.end(JSON.stringify(body));
  });
}
