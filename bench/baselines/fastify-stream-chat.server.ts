import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { AssistantInput } from '@userscope/examples';
import { serveInChild } from '../harness/child-server';
import { readExampleConfig } from './example-config';
import { MISSING_SESSION, sessionUser } from './session-cookie';
import { UserAssistants } from './user-assistants';

/**
 * The bare baseline of the stream-routes bench: plain Fastify 5 and a Map per user, answering
 * `/generate/stream` with the same events as Userscope, and `/v1/chat/completions` with an echo
 * model's chat.completion (the last user message back, as Userscope's `echo` LLM answers).
 */
const GENERATE_BODY = {
  type: 'object',
  required: ['command'],
  additionalProperties: false,
  properties: {
    command: { type: 'string' },
    action: { type: 'string', default: '' },
    param1: { type: 'string', default: '' },
    param2: { type: 'string', default: '' },
  },
} as const;

const CHAT_BODY = {
  type: 'object',
  required: ['messages'],
  properties: {
    model: { type: 'string' },
    messages: { type: 'array', minItems: 1, items: { type: 'object', required: ['role', 'content'], properties: { role: { type: 'string' }, content: { type: 'string' } } } },
  },
} as const;

interface ChatBody {
  messages: { role: string; content: string }[];
}

const EVENT_STREAM_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };

serveInChild(async () => {
  const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
  const assistants = new UserAssistants(readExampleConfig());
  // Each user's conversation, as a per-user chat agent keeps it.
  const conversations = new Map<string, string[]>();

  app.post<{ Body: AssistantInput }>('/generate/stream', { schema: { body: GENERATE_BODY } }, async (request, reply) => {
    const user = sessionUser(request.headers.cookie);
    if (!user) return reply.code(401).send({ code: 'missing_identity', message: MISSING_SESSION });
    const output = await assistants.for(user).invoke(request.body);
    reply.hijack();
    reply.raw.writeHead(200, EVENT_STREAM_HEADERS);
    reply.raw.write(`data: ${JSON.stringify(output)}\n\n`);
    reply.raw.end('event: end\ndata: {}\n\n');
  });

  app.post<{ Body: ChatBody }>('/v1/chat/completions', { schema: { body: CHAT_BODY } }, async (request, reply) => {
    const user = sessionUser(request.headers.cookie);
    if (!user) return reply.code(401).send({ error: { message: MISSING_SESSION, type: 'invalid_request_error', code: 'missing_identity' } });
    const content = request.body.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
    let conversation = conversations.get(user);
    if (!conversation) conversations.set(user, (conversation = []));
    conversation.push(content);
    return {
      id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: 'per_user_chat_agent',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, close: () => app.close() };
});
