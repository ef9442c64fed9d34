import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClusterHarness, generate } from './support/cluster-harness';
import { requireRedis } from './support/redis';

jest.setTimeout(60_000);

/**
 * The MCP server front end in cluster mode (two `userscope serve` replicas of the seed example on
 * one Redis, plain cookie identity): a user's MCP requests reach the replica that owns the user,
 * wherever the client connects, so the MCP session and the user's instances stay together.
 */
describe('/mcp in cluster mode', () => {
  if (!requireRedis('mcp server cluster', 'REDIS_URL')) return;

  let cluster: ClusterHarness;
  beforeAll(async () => {
    cluster = await ClusterHarness.start({ replicas: 2 });
  });
  afterAll(() => cluster?.stop());

  it("serves a user's MCP session on their owner when the client connects to another replica", async () => {
    const added = await generate(cluster.replicas[0].url, 'mcp-cluster-alice', { command: 'note', action: 'add', param1: 'kept on r1' });
    expect({ status: added.status, replica: added.replica }).toEqual({ status: 200, replica: 'r1' });

    const client = new Client({ name: 'cluster-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${cluster.replicas[1].url}/mcp`), { requestInit: { headers: { cookie: 'nat-session=mcp-cluster-alice' } } });
    await client.connect(transport);
    try {
      const result = (await client.callTool({ name: 'per_user_assistant', arguments: { command: 'note', action: 'list' } })) as { content: { text: string }[] };
      expect(JSON.parse(result.content[0].text).data.notes).toEqual(['kept on r1']);
      // A second call on the session (its id sent to r2) reaches the same session on r1.
      const again = (await client.callTool({ name: 'per_user_assistant', arguments: { command: 'stats' } })) as { content: { text: string }[] };
      expect(JSON.parse(again.content[0].text).data.commands_executed).toBe(3);
      await transport.terminateSession();
    } finally {
      await client.close();
    }
    // Answered by the owner: an initialize sent to r2 comes back from r1.
    const initialize = await fetch(`${cluster.replicas[1].url}/mcp`, {
      method: 'POST',
      headers: { cookie: 'nat-session=mcp-cluster-alice', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    expect({ status: initialize.status, replica: initialize.headers.get('x-userscope-replica') }).toEqual({ status: 200, replica: 'r1' });
    await initialize.body?.cancel();
  });
});
