import type { FastifyInstance } from 'fastify';

/** The response header naming the replica that answered. */
export const REPLICA_HEADER = 'X-Userscope-Replica';

/**
 * Puts `X-Userscope-Replica: <id>` on every response, errors and 404s included. Set on the raw
 * response at onRequest, so event streams (hijacked replies, written with writeHead) carry it too.
 */
export function registerReplicaHeader(fastify: FastifyInstance, replicaId: string): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.raw.setHeader(REPLICA_HEADER, replicaId);
    done();
  });
}
