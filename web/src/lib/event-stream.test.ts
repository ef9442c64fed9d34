import { describe, expect, it } from 'vitest';
import { parseEvent, readEventStream } from './event-stream';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>) {
  const events = [];
  for await (const event of readEventStream(stream)) events.push(event);
  return events;
}

describe('readEventStream', () => {
  it('yields each event once its blank line has arrived, however the chunks split it', async () => {
    const events = await collect(streamOf('event: snap', 'shot\ndata: {"a"', ':1}\n', '\nevent: end\ndata: {}\n\n'));
    expect(events).toEqual([
      { event: 'snapshot', data: '{"a":1}' },
      { event: 'end', data: '{}' },
    ]);
  });

  it('reads CRLF line ends, even when a CRLF is split between chunks', async () => {
    expect(await collect(streamOf('data: 1\r', '\n\r\ndata: 2\r\n\r\n'))).toEqual([
      { event: 'message', data: '1' },
      { event: 'message', data: '2' },
    ]);
  });

  it('drops a half-sent event when the stream closes', async () => {
    expect(await collect(streamOf('event: end\ndata: {}'))).toEqual([]);
  });
});

describe('parseEvent', () => {
  it('joins data lines, skips comments, defaults the name to message', () => {
    expect(parseEvent(': keep-alive\ndata: a\ndata: b')).toEqual({ event: 'message', data: 'a\nb' });
    expect(parseEvent(': only a comment')).toBeUndefined();
  });
});
