import type { FastifyInstance } from 'fastify';
import { coveredByGenerateLane } from '@userscope/runtime';
import { finishAdmission } from './request-admission';

/**
 * Ends an admitted request's turn when its response is sent without its handler having run (a
 * guard refused it, its controller could not be built). A handler that ran ends it itself.
 * Nothing for the /generate lane to do: its requests are never admitted this way.
 */
export function registerAdmissionRelease(fastify: FastifyInstance): void {
  fastify.addHook(
    'onResponse',
    coveredByGenerateLane((request, reply, done) => {
      finishAdmission(request, reply.statusCode >= 500);
      done();
    }),
  );
}
