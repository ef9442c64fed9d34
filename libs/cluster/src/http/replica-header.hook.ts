import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { coveredByGenerateLane } from '@userscope/runtime';

/** The response header naming the replica that answered. */
export const REPLICA_HEADER = 'X-Userscope-Replica';

/**
 * Puts `X-Userscope-Replica: <id>` on every response, errors and 404s included. Set on the raw
 * response at onRequest, so event streams (hijacked replies, written with writeHead) carry it too;
 * a forwarded reply carries the owner's.
 */
export function registerReplicaHeader(fastify: FastifyInstance, replicaId: string): void {
  // Covered by /generate's lane: its cluster gate (generate-lane.gate.ts) sets the header itself.
  fastify.addHook(
    'onRequest',
    coveredByGenerateLane((_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      reply.raw.setHeader(REPLICA_HEADER, replicaId);
      done();
    }),
  );
}
