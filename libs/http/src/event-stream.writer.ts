import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { toMilliseconds, type ErrorBody, type GeneralConfig } from '@userscope/runtime';
import { describeError } from './error.filter';

/** `no-cache` and keep-alive so that proxies pass each event on as it comes. */
const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;

/** How a stream ends, and how it reports a failure once it has started. */
export interface EventStreamFormat {
  /** Written after the last chunk. */
  end: string;
  /** The event that ends a failed stream; `status` is what the error would have been answered with. */
  error(body: ErrorBody, status: number): string;
  /** The `event:` name of a chunk (the Responses API names each); none: `data:` lines only. */
  eventName?(chunk: unknown): string | undefined;
}

/** NAT's `/generate/stream`: `event: end` after the chunks, `event: error` with the JSON error body. */
export const NAT_EVENT_STREAM: EventStreamFormat = {
  end: 'event: end\ndata: {}\n\n',
  error: (body) => `event: error\ndata: ${JSON.stringify(body)}\n\n`,
};

/**
 * The longest a stream writes without letting the event loop turn. A stream whose chunks are ready at
 * once, to a client that reads fast, never waits for the socket: 450,000 echoed chunks held every other
 * request for 9.7 s (found by an operator test).
 */
const STREAM_SLICE_MS = 10;

export interface EventStreamOptions {
  /**
   * How long the client may take to empty a full socket buffer before the connection is closed
   * (`general.send_timeout`, ms; 0: no limit): a client that stops reading holds its slot and the
   * stream's buffers until then, not for good.
   */
  sendTimeoutMs?: number;
}

/** The stream options `general` sets. */
export function eventStreamOptions(general: Pick<GeneralConfig, 'send_timeout'>): EventStreamOptions {
  return { sendTimeoutMs: toMilliseconds(general.send_timeout) };
}

/**
 * Sends `chunks` on `response` as server-sent events: `data: <JSON>` for each chunk, then the
 * format's end (NAT's `event: end`). An error ends the stream with the format's error event (NAT's
 * `event: error` with the JSON error body). A client that
 * goes away closes the iterator, so the function's generator is cancelled (its `finally` runs).
 * Never rejects: once the headers are out, nothing else may answer the request.
 */
export async function writeEventStream(
  chunks: AsyncIterable<unknown>,
  response: ServerResponse,
  format: EventStreamFormat = NAT_EVENT_STREAM,
  { sendTimeoutMs = 0 }: EventStreamOptions = {},
): Promise<void> {
  response.writeHead(200, EVENT_STREAM_HEADERS);
  // The headers leave by the end of this turn of the event loop, and with them, in one write, every event
  // ready by then: a stream that is ready at once goes out as one packet, not one per event and the end.
  response.cork();
  response.flushHeaders();
  setImmediate(() => {
    if (!response.writableEnded) response.uncork(); // ended: end() uncorked it, and the socket may be the next request's
  });
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
  let last = '';
  let sliceStart = performance.now();
  try {
    while (!clientGone) {
      const next = await iterator.next();
      if (clientGone) break;
      if (next.done) {
        finished = true;
        last = format.end;
        break;
      }
      if (!(await send(response, dataEvent(next.value, format.eventName?.(next.value)), sendTimeoutMs))) {
        response.destroy(); // the client took nothing for sendTimeoutMs: 'close' cancels the generator
        break;
      }
      if (performance.now() - sliceStart >= STREAM_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  } catch (error) {
    if (!clientGone) {
      const { status, body } = describeError(error);
      last = format.error(body, status);
    }
  } finally {
    response.off('close', onClose);
    // Closing a generator that threw is a no-op; one left suspended (a chunk that would not serialise) is cancelled.
    if (!finished) void closeIterator();
    response.end(last);
  }
}

// JSON has no raw line breaks, so one `data:` line always holds a whole chunk.
function dataEvent(chunk: unknown, name?: string): string {
  return `${name ? `event: ${name}\n` : ''}data: ${JSON.stringify(chunk ?? null)}\n\n`;
}

/**
 * Writes `text`; when the socket's buffer is full, waits until the client has taken it (or left).
 * False when it has taken nothing for `timeoutMs` (0: waits for good).
 */
function send(response: ServerResponse, text: string, timeoutMs: number): Promise<boolean> {
  if (response.write(text) || response.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = timeoutMs > 0 ? setTimeout(() => done(false), timeoutMs) : undefined;
    const drained = () => done(true);
    const done = (taken: boolean) => {
      clearTimeout(timer);
      response.off('drain', drained);
      response.off('close', drained);
      resolve(taken);
    };
    response.on('drain', drained);
    response.on('close', drained);
  });
}
