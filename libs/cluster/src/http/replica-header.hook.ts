import type { FastifyInstance } from 'fastify';

/** Names the replica that answered, on every response (forwarded ones carry the owner's). */
export const REPLICA_HEADER = 'x-userscope-replica';

/**
 * Puts `X-Userscope-Replica` on every response. On the raw response, so that replies written
 * past Fastify (an event stream, a relayed answer) carry it too.
 */
export function registerReplicaHeader(fastify: FastifyInstance, replicaId: string): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.raw.setHeader(REPLICA_HEADER, replicaId);
    done();
  });
}
