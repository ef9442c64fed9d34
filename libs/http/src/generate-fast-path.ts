import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { globalEnhancerCounts, WorkflowRunner } from '@userscope/runtime';
import { sendError } from './error.filter';
import { IdentityResolver } from './identity/identity.resolver';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serves `POST /generate` from Fastify itself: GenerateController's work (the caller's identity, the
 * run, the JSON reply, ErrorFilter's errors) without Nest's router, guards, interceptors and pipes,
 * which Userscope puts none of on this route. It is most of the Nest share of /generate's CPU
 * (bench/RESULTS.md). It switches itself off when the app has a global guard, interceptor or pipe,
 * which would have to see the route; global filters never see it (its controller's filter answers
 * every error first). Fastify's hooks (Nest middleware, metrics, the body rules, cluster forwarding)
 * still run. Call before `init`/`listen`, as `applyUserscopeBodyLimit`: Nest adds its routes at init.
 */
export function useGenerateFastPath(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (route.url !== '/generate' || route.method !== 'POST') return;
    const enhancers = globalEnhancerCounts(app);
    if (enhancers.guards + enhancers.interceptors + enhancers.pipes > 0) return;
    route.handler = generateHandler(app.get(WorkflowRunner, { strict: false }), app.get(IdentityResolver, { strict: false }));
  });
}

function generateHandler(runner: WorkflowRunner, identity: IdentityResolver): RouteOptions['handler'] {
  return function generate(request: FastifyRequest, reply: FastifyReply): Promise<string | FastifyReply> {
    // Status and type first, as Nest's @HttpCode and @Header set them before the handler runs.
    void reply.status(200).header('content-type', JSON_TYPE);
    const failed = (error: unknown): FastifyReply => {
      sendError(reply, identity.asHttpError(error));
      return reply;
    };
    let running: Promise<unknown>;
    try {
      running = runner.run({ userId: identity.resolve(request, reply) }, request.body);
    } catch (error) {
      running = Promise.reject(error); // a refused identity answers as a failed run does
    }
    // As GenerateController: every output is JSON (Fastify sends a string as plain text and rejects a number);
    // `null` for what JSON has no text for (a function), as Fastify would never answer an undefined.
    return running.then((output): string | FastifyReply => JSON.stringify(output ?? null) ?? 'null', failed);
  };
}
