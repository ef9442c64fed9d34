import type { FastifyInstance } from 'fastify';
import { GenerateLane } from '@userscope/http';
import { OwnerForwarding } from '../forwarding/owner-forwarding.hook';
import { REPLICA_HEADER } from './replica-header.hook';

/**
 * Lets /generate's lane (@userscope/http) serve in cluster mode, which adds request hooks for
 * every route: the lane takes a request only when the forwarding hook would leave it here at once
 * (the caller's session built here, on a lease confirmed within lease_ttl), and puts on it the
 * replica header that hook would. Everything else (a user to claim, forward or confirm again, a
 * forwarded request) goes through Fastify's route and the cluster's hooks, as without the lane.
 */
export function registerGenerateLaneGate(fastify: FastifyInstance, replicaId: string, forwarding: OwnerForwarding): void {
  GenerateLane.of(fastify)?.takeOnly((request, response) => {
    if (!forwarding.leavesCallerHere(request)) return false;
    response.setHeader(REPLICA_HEADER, replicaId);
    return true;
  });
}
