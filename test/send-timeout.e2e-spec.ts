import { connect } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createUserscopeApp, defineConfig } from 'userscope';

/**
 * general.send_timeout: a client that stops reading an event stream is disconnected once its socket
 * buffer has stayed full that long, and its stream stops, freeing the user's slot.
 */
const config = defineConfig({
  general: { plugins: ['@userscope/examples'], enable_per_user_monitoring: true, send_timeout: '2s' },
  llms: { echo: { _type: 'echo' } },
  functions: { notepad: { _type: 'per_user_notepad' }, preferences: { _type: 'per_user_preferences' } },
  workflow: { _type: 'per_user_chat_agent', llm_name: 'echo', tool_names: ['notepad', 'preferences'] },
});

describe('general.send_timeout', () => {
  let app: NestFastifyApplication;
  let port: number;
  beforeAll(async () => {
    app = await createUserscopeApp({ config }, { logger: false });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => app.close());

  const activeRequests = async (user: string) => {
    const monitor = (await (await fetch(`http://127.0.0.1:${port}/monitor/users?user_id=${user}`)).json()) as { users: Array<{ requests: { active_requests: number } }> };
    return monitor.users[0]?.requests.active_requests;
  };

  it("disconnects a client that reads nothing of a long stream, and frees the user's slot", async () => {
    // Echoed a word at a time: far more than the socket buffers hold.
    const body = JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'word '.repeat(200_000) }] });
    const client = connect(port, '127.0.0.1');
    client.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncookie: nat-session=stalled\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    client.pause(); // reads nothing
    try {
      let active: number | undefined;
      for (let waited = 0; waited < 5_000 && active !== 1; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        active = await activeRequests('stalled');
      }
      expect(active).toBe(1); // its stream runs, blocked on the client
      for (let waited = 0; waited < 10_000 && active !== 0; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        active = await activeRequests('stalled');
      }
      expect(active).toBe(0); // disconnected after 2 s of a full buffer: the slot is free
    } finally {
      client.destroy();
    }
  });
});
