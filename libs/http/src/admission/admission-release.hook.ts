import type { FastifyInstance } from 'fastify';
import { RequestAdmission } from './request-admission';

/**
 * Ends an admitted request's turn when its response is sent without its handler having run (a
 * guard refused it, its controller could not be built). A handler that ran ends it itself.
 */
export function registerAdmissionRelease(fastify: FastifyInstance, admission: RequestAdmission): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    admission.finish(request, reply.statusCode >= 500);
    done();
  });
}
