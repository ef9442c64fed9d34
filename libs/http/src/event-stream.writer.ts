import type { ServerResponse } from 'node:http';
import { describeError } from './error.filter';

/** `no-cache` and keep-alive so that proxies pass each event on as it comes. */
const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;

const END_EVENT = 'event: end\ndata: {}\n\n';

/**
 * Sends `chunks` on `response` as server-sent events: `data: <JSON>` for each chunk, then
 * `event: end`. An error ends the stream with `event: error` and the JSON error body. A client that
 * goes away closes the iterator, so the function's generator is cancelled (its `finally` runs).
 * Never rejects: once the headers are out, nothing else may answer the request.
 */
export async function writeEventStream(chunks: AsyncIterable<unknown>, response: ServerResponse): Promise<void> {
  response.writeHead(200, EVENT_STREAM_HEADERS);
  response.flushHeaders();
  const iterator = chunks[Symbol.asyncIterator]();
  let closing: Promise<unknown> | undefined;
  // An async generator runs `return()` once its pending `next()` settles, that is at its next yield.
  const closeIterator = () => (closing ??= Promise.resolve().then(() => iterator.return?.()).catch(() => undefined));
  // A client may leave before the handler runs; then the generator is never started.
  let clientGone = response.destroyed;
  const onClose = () => {
    clientGone = true;
    void closeIterator();
  };
  response.once('close', onClose);
  let finished = false;
  try {
    while (!clientGone) {
      const next = await iterator.next();
      if (clientGone) break;
      if (next.done) {
        finished = true;
        response.write(END_EVENT);
        break;
      }
      await send(response, dataEvent(next.value));
    }
  } catch (error) {
    if (!clientGone) response.write(errorEvent(error));
  } finally {
    response.off('close', onClose);
    // Closing a generator that threw is a no-op; one left suspended (a chunk that would not serialise) is cancelled.
    if (!finished) void closeIterator();
    response.end();
  }
}

// JSON has no raw line breaks, so one `data:` line always holds a whole chunk.
function dataEvent(chunk: unknown): string {
  return `data: ${JSON.stringify(chunk ?? null)}\n\n`;
}

function errorEvent(error: unknown): string {
  return `event: error\ndata: ${JSON.stringify(describeError(error).body)}\n\n`;
}

/** Writes `text`; when the socket's buffer is full, waits until the client has taken it (or left). */
function send(response: ServerResponse, text: string): Promise<void> {
  if (response.write(text) || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
