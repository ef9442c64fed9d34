import { createServer, request as httpRequest, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { writeEventStream } from './event-stream.writer';

type WritableSocket = Socket & Record<'_write' | '_writev', ((...args: unknown[]) => unknown) | undefined>;

/** A server that streams `chunks()` with writeEventStream, counting the writes each response's socket makes. */
async function streamingServer(chunks: () => AsyncIterable<unknown>) {
  const writes: number[] = [];
  const server: Server = createServer((_request, response: ServerResponse) => {
    const socket = response.socket as WritableSocket;
    const index = writes.push(0) - 1;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method];
      if (original) {
        socket[method] = function (this: Socket, ...args: unknown[]) {
          writes[index]++;
          return original.apply(this, args);
        };
      }
    }
    void writeEventStream(chunks(), response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  /** The stream's text; `onHeaders` runs when the reply's head has arrived. */
  const get = (onHeaders: () => void = () => undefined) =>
    new Promise<string>((resolve, reject) => {
      httpRequest({ port, host: '127.0.0.1', method: 'POST', agent: false }, (response) => {
        onHeaders();
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (part: string) => (text += part));
        response.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
  return { get, writes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('writeEventStream', () => {
  it('sends a stream that is ready at once in one write: the headers, every event and the end', async () => {
    const server = await streamingServer(async function* () {
      yield { n: 1 };
      yield { n: 2 };
    });
    try {
      expect(await server.get()).toBe('data: {"n":1}\n\ndata: {"n":2}\n\nevent: end\ndata: {}\n\n');
      expect(server.writes).toEqual([1]);
    } finally {
      await server.close();
    }
  });

  it('sends the headers without waiting for a slow first event, and each later event as it comes', async () => {
    let headersArrived = false;
    const server = await streamingServer(async function* () {
      // The client here is in this process: wait (up to 5 s) for it to have the reply's head, as a slow model would.
      for (let waited = 0; !headersArrived && waited < 5000; waited += 10) await pause(10);
      yield { headersFirst: headersArrived };
      await pause(50);
      yield { n: 2 };
    });
    try {
      expect(await server.get(() => (headersArrived = true))).toBe('data: {"headersFirst":true}\n\ndata: {"n":2}\n\nevent: end\ndata: {}\n\n');
      // The head, the first event, the second (with the end, when the socket is still busy with the first): none held back.
      expect(server.writes[0]).toBeGreaterThanOrEqual(3);
    } finally {
      await server.close();
    }
  });

  it('lets the event loop turn while it writes a stream that is ready at once to a client that reads fast', async () => {
    let turned = false;
    let turnedBeforeTheLast = false;
    const server = await streamingServer(async function* () {
      setImmediate(() => (turned = true)); // other work, waiting for the loop
      for (let n = 0; n < 40; n++) {
        const until = performance.now() + 0.5; // 40 chunks of 0.5 ms each: longer than a slice (10 ms) at the least
        while (performance.now() < until);
        if (n === 39) turnedBeforeTheLast = turned;
        yield { n };
      }
    });
    try {
      expect((await server.get()).match(/^data: \{"n"/gm)).toHaveLength(40);
      expect(turnedBeforeTheLast).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('closes the connection of a client that takes nothing for sendTimeoutMs, and stops the stream', async () => {
    let stopped = false;
    let served: ServerResponse | undefined;
    const server: Server = createServer((_request, response) => {
      served = response;
      void writeEventStream(
        (async function* () {
          try {
            for (;;) yield { pad: 'x'.repeat(64 * 1024) }; // more than any socket buffer holds
          } finally {
            stopped = true;
          }
        })(),
        response,
        undefined,
        { sendTimeoutMs: 300 },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { connect } = await import('node:net');
    const client = connect(port, '127.0.0.1', () => client.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n'));
    client.pause(); // reads nothing
    try {
      // Well within 5 s: the buffers fill at once, then 300 ms without the client taking any of it.
      for (let waited = 0; !stopped && waited < 5000; waited += 10) await pause(10);
      expect(stopped).toBe(true);
      expect(served?.destroyed).toBe(true); // the connection closed on the server's side
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
