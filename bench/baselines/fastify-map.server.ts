import Fastify from 'fastify';
import type { AssistantInput } from '@userscope/examples';
import { serveInChild } from '../harness/child-server';
import { readExampleConfig } from './example-config';
import { MISSING_SESSION, sessionUser } from './session-cookie';
import { UserAssistants } from './user-assistants';

/** Baseline (a): plain Fastify 5, per-user state in a Map, the body checked by a JSON schema. */
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

serveInChild(async () => {
  // Reject rather than strip unknown fields or coerce types, as the example's class-validator rules do.
  const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
  const assistants = new UserAssistants(readExampleConfig());

  app.post<{ Body: AssistantInput }>('/generate', { schema: { body: GENERATE_BODY } }, async (request, reply) => {
    const user = sessionUser(request.headers.cookie);
    if (!user) return reply.code(401).send({ code: 'missing_identity', message: MISSING_SESSION });
    return assistants.for(user).invoke(request.body);
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, close: () => app.close() };
});
