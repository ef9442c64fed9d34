import { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';

/** One server-sent event: its name (`message` when unnamed) and its parsed JSON data. */
export interface ServerSentEvent {
  event: string;
  data: unknown;
}

/** The events of a complete `text/event-stream` body. */
export function parseEvents(text: string): ServerSentEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
      }
      return { event, data: JSON.parse(data.join('\n')) };
    });
}

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
