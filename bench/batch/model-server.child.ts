import { FixedLatencyModelServer } from '../harness/fixed-latency-model.server';

/** The model server in its own process, so its event loop does not share the bench's. */
async function main(): Promise<void> {
  // An orphan (its bench died) would keep a port and the bench's output pipe open.
  process.on('disconnect', () => process.exit(0));
  const model = await FixedLatencyModelServer.start(Number(process.env.MODEL_LATENCY_MS ?? 100));
  process.on('message', (message: string) => {
    if (message === 'stats') {
      process.send!({ requests: model.requests, maxInFlight: model.maxInFlight });
      model.requests = 0;
      model.maxInFlight = 0;
    }
  });
  process.send!({ url: model.url });
}

void main();
