import type { FastifyInstance } from 'fastify';
import { finishAdmission } from './request-admission';

/**
 * Ends an admitted request's turn when its response is sent without its handler having run (a
 * guard refused it, its controller could not be built). A handler that ran ends it itself.
 */
export function registerAdmissionRelease(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    finishAdmission(request, reply.statusCode >= 500);
    done();
  });
}
