import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConfiguredFunction } from '../config/userscope-config.interface';
import { FunctionHandle } from '../functions/function-handle';
import { WORKFLOW_NAME } from '../runtime.constants';
import { configureGenAiTracing } from './gen-ai.spans';

/** A configured function of `instance`, as the catalog would bind it. */
function handleOf(name: string, instance: object): FunctionHandle {
  const fn = { name, path: `functions.${name}`, type: { name: `${name}_type`, parseInput: (input: unknown) => input }, config: {}, references: [] };
  return new FunctionHandle(fn as unknown as ConfiguredFunction, instance);
}

const parentName = (spans: ReadableSpan[], span: ReadableSpan) => spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId)?.name;

describe('GenAI spans of function calls', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    configureGenAiTracing();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
    configureGenAiTracing();
  });

  const calls = handleOf('calls', { invoke: (input: { to: string }) => Promise.resolve(`called ${input.to}`) });
  const words = handleOf('words', {
    async *stream(input: { text: string }) {
      for (const word of input.text.split(' ')) yield await calls.invoke({ to: word });
    },
  });

  it('makes each call an execute_tool span, and calls made while a stream runs its children', async () => {
    const chunks: string[] = [];
    for await (const chunk of words.stream({ text: 'a b' })) chunks.push(chunk);
    expect(chunks).toEqual(['called a', 'called b']);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual(['execute_tool calls', 'execute_tool calls', 'execute_tool words']);
    for (const span of spans.filter((s) => s.name === 'execute_tool calls')) expect(parentName(spans, span)).toBe('execute_tool words');
    expect(spans.find((s) => s.name === 'execute_tool words')!.attributes).toEqual({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'words', 'gen_ai.tool.type': 'function' });
  });

  it('ends the span of a stream its consumer leaves early, and records the arguments and result only with capture_content', async () => {
    configureGenAiTracing({ captureContent: true, userAttributes: () => ({}) });
    for await (const chunk of words.stream({ text: 'x y z' })) {
      expect(chunk).toBe('called x');
      break;
    }
    await calls.invoke({ to: 'q' });
    const spans = exporter.getFinishedSpans();
    expect(spans.find((s) => s.name === 'execute_tool words')!.attributes['gen_ai.tool.call.arguments']).toBe('{"text":"x y z"}');
    expect(spans.filter((s) => s.name === 'execute_tool calls').map((s) => s.attributes['gen_ai.tool.call.result'])).toEqual(['called x', 'called q']);
  });

  it('sets error.type and the error status on a call that fails', async () => {
    class QuotaError extends Error {}
    const failing = handleOf('failing', { invoke: () => Promise.reject(new QuotaError('over quota')) });
    await expect(failing.invoke({})).rejects.toThrow('over quota');
    const [span] = exporter.getFinishedSpans();
    expect(span.attributes['error.type']).toBe('QuotaError');
    expect(span.status).toEqual({ code: 2, message: 'over quota' });
  });

  it('makes no span of the workflow itself: its run is the invoke_agent span', async () => {
    await handleOf(WORKFLOW_NAME, { invoke: () => Promise.resolve('done') }).invoke({});
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
