import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { fastifyRequestHooks, globalEnhancerCounts, inCallerTraceContext, isCoveredByGenerateLane, isMiddieHook, USERSCOPE_CONFIG, UserscopeConfig, WorkflowRunner } from '@userscope/runtime';
import { ErrorReply, errorReply } from '../error.filter';
import { IdentityResolver } from '../identity/identity.resolver';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { checkJsonBody } from '../request-body/json-body.checker';
import { FastifyErrorContext } from '../request-body/fastify-error.mapper';
import { describeRouteError } from '../request-body/route-error.handler';
import { isJson, parseUtf8Json } from '../request-body/utf8-json.parser';
import { HttpMessages } from '../http.messages';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A package's say on which /generate requests the lane may take (see `GenerateLane.takeOnly`): true
 * when that package's request hooks would do nothing for `request` beyond what the gate did itself
 * (a response header the hooks would set anyway, say).
 */
export type LaneGate = (request: IncomingMessage, response: ServerResponse) => boolean;

const ROUTE = '/generate';
const JSON_TYPE = 'application/json; charset=utf-8';
/**
 * Where an instance keeps its lane: a global symbol, not a module's WeakMap, so that a second copy of
 * this package in an install (the cluster's own, say) finds the lane and gates it, instead of
 * finding none while its hooks are marked covered, which would leave the lane serving ungated.
 */
const LANE = Symbol.for('@userscope/http.GenerateLane');
type WithLane = FastifyInstance & { [LANE]?: GenerateLane };
const ignore = (): void => undefined;
const CLOSE = { connection: 'close' };

/**
 * Answers `POST /generate` in front of Fastify, as the first `request` listener of Fastify's HTTP
 * server: the body read, parsed and checked by the same code and rules as Fastify's route,
 * the run, the reply and its metrics, without Fastify's routing, hooks and reply objects, which are
 * most of what /generate costs beyond the user's own function (bench/RESULTS.md).
 *
 * Only what the route would do anyway is done here, so the lane stays on only while nothing else
 * would see the route: it switches itself off, and says why once at startup, when the app has no
 * POST /generate (a global prefix), has global guards, interceptors or pipes, a module that may
 * configure Nest middleware (`configure()`), CORS or versioning, or a Fastify request hook neither
 * Nest's adapter nor Userscope put there knowing the lane (a plugin's). Requests it does not take go
 * to Fastify untouched: another method, path or query, a body that is not `application/json` with a
 * content-length within `general.max_body_size` (Fastify refuses those, in the same words as ever),
 * one a gate keeps for its hooks (cluster mode: a user to claim or forward), and every request once
 * the server is closing.
 */
export class GenerateLane {
  private route: LaneRoute | undefined;
  private closing = false;
  private offReason: string | undefined;
  private nestHooks: readonly Function[] = [];
  private routeAdded = false;
  private gates: LaneGate[] = [];

  /** The lane of a server made by `userscopeAdapter`, if any. */
  static of(fastify: FastifyInstance): GenerateLane | undefined {
    return (fastify as WithLane)[LANE];
  }

  /**
   * Called with the Fastify instance as the adapter made it. Fastify adds request hooks in its plugin
   * queue, so the ones queued so far, Nest's adapter's own, are read there, before anything queued later.
   */
  adopt(fastify: FastifyInstance): void {
    (fastify as WithLane)[LANE] = this;
    // In front of Fastify's handler on its server (secondary servers Fastify binds, such as ::1 for
    // `localhost`, keep Fastify's handler alone).
    const server = fastify.server;
    const [fastifyHandler] = server.listeners('request') as RequestListener[];
    server.removeListener('request', fastifyHandler);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const route = this.route;
      if (route && !this.closing && route.takes(request) && this.gatesLet(request, response)) route.serve(request, response);
      else fastifyHandler(request, response);
    });
    const afterNestHooks = (error: Error | null, done: (error: Error | null) => void): void => {
      this.nestHooks = fastifyRequestHooks(fastify);
      done(error);
    };
    fastify.after(afterNestHooks as unknown as (error: Error | null) => void); // avvio passes `done` to a two-argument listener
  }

  /**
   * For a package whose request hooks, marked `coveredByGenerateLane`, act on some /generate requests:
   * the lane takes only the requests `gate` lets through; the rest go to Fastify's route and those hooks.
   */
  takeOnly(gate: LaneGate): void {
    this.gates.push(gate);
  }

  /** The lane will not take /generate on this server (CORS, say), for this reason. */
  turnOff(reason: string): void {
    this.offReason ??= reason;
    this.route = undefined;
  }

  /** Takes /generate of `app` when the app is ready, unless something would need to see the route. Call before `init`. */
  attach(app: NestFastifyApplication): void {
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onRoute', (route) => {
      if (route.url === ROUTE && route.method === 'POST') this.routeAdded = true;
    });
    fastify.addHook('preClose', (done) => {
      this.closing = true; // Fastify answers 503 to what arrives from now on
      done();
    });
    fastify.addHook('onReady', (done) => {
      this.offReason ??= this.reasonToStayOff(app, fastify);
      const logger = new Logger('GenerateLane');
      if (this.offReason) {
        logger.log(HttpMessages.generateLaneOff(this.offReason));
      } else {
        const { max_body_size, max_json_depth } = app.get<UserscopeConfig>(USERSCOPE_CONFIG, { strict: false }).general;
        this.route = new LaneRoute(app.get(WorkflowRunner, { strict: false }), app.get(IdentityResolver, { strict: false }), app.get(MetricsRegistry, { strict: false }), max_body_size, max_json_depth);
      }
      done();
    });
  }

  /** Whether the lane answers /generate, how many requests it has answered, and why not when it does not. */
  get state(): { serving: boolean; answered: number; reason: string | undefined } {
    return { serving: this.route !== undefined && !this.closing, answered: this.route?.answered ?? 0, reason: this.offReason };
  }

  /** A gate that throws leaves the request to Fastify's route, whose hooks answer it (a throw here would end the process). */
  private gatesLet(request: IncomingMessage, response: ServerResponse): boolean {
    try {
      for (const gate of this.gates) if (!gate(request, response)) return false;
      return true;
    } catch {
      return false;
    }
  }

  private reasonToStayOff(app: NestFastifyApplication, fastify: FastifyInstance): string | undefined {
    if (!this.routeAdded) return `the app has no POST ${ROUTE} route (a global prefix puts it elsewhere)`;
    const enhancers = globalEnhancerCounts(app);
    if (enhancers.guards + enhancers.interceptors + enhancers.pipes > 0) return 'the app has global guards, interceptors or pipes';
    const configuring = [...app.get(ModulesContainer).values()].find((module) => typeof (module.instance as { configure?: unknown } | undefined)?.configure === 'function');
    if (configuring) return `module ${configuring.name} may configure Nest middleware`;
    const others = fastifyRequestHooks(fastify).filter((hook: Function) => !this.nestHooks.includes(hook) && !isCoveredByGenerateLane(hook) && !isMiddieHook(hook));
    if (others.length > 0) return `Fastify request hooks that are not Nest's or Userscope's: ${others.map((hook: Function) => hook.name || 'anonymous').join(', ')}`;
    return undefined;
  }
}

/** /generate as the lane answers it: what GenerateController, the body rules and the metrics hook do. */
class LaneRoute {
  answered = 0;

  constructor(
    private readonly runner: WorkflowRunner,
    private readonly identity: IdentityResolver,
    private readonly metrics: MetricsRegistry,
    private readonly maxBodySize: number,
    private readonly maxJsonDepth: number,
  ) {}

  /** A POST of a JSON body whose length is known and within the limit: the only requests Fastify's route would not refuse before parsing. */
  takes(request: IncomingMessage): boolean {
    if (request.method !== 'POST' || request.url !== ROUTE) return false;
    const headers = request.headers;
    if (headers['transfer-encoding'] !== undefined || !isJson(headers['content-type'])) return false;
    const length = Number(headers['content-length']);
    return length > 0 && length <= this.maxBodySize;
  }

  serve(request: IncomingMessage, response: ServerResponse): void {
    const started = performance.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A client that leaves mid-body: nothing to answer (Fastify's route answers nobody either).
    request.on('error', ignore);
    request.on('end', () => this.answer(request, response, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), started));
  }

  private answer(request: IncomingMessage, response: ServerResponse, body: Buffer, started: number): void {
    let input: unknown;
    try {
      input = parseUtf8Json(body);
    } catch (error) {
      // As Fastify answers a parser's refusal: the connection closes, since the client may still be sending.
      return this.sendError(response, describeRouteError(error, this.errorContext(request)), started, CLOSE);
    }
    try {
      if (typeof input === 'object') checkJsonBody(input, this.maxJsonDepth);
    } catch (error) {
      return this.sendError(response, describeRouteError(error, this.errorContext(request)), started);
    }
    // In the caller's trace context, as telemetry's trace-context hook runs the route's handler.
    const running = request.headers.traceparent === undefined ? this.run(request, response, input) : inCallerTraceContext(request.headers, () => this.run(request, response, input));
    running.then(
      (output) => this.sendOutput(response, output, started),
      (error: unknown) => this.sendError(response, errorReply(this.identity.asHttpError(error)), started),
    );
  }

  private run(request: IncomingMessage, response: ServerResponse, input: unknown): Promise<unknown> {
    try {
      return this.runner.run({ userId: this.identity.resolve(request, { raw: response }) }, input);
    } catch (error) {
      return Promise.reject(error); // a refused identity answers as a failed run does
    }
  }

  /** As GenerateController: every output is JSON, `null` for none; one JSON cannot hold (a BigInt, a cycle) is a 500, logged. */
  private sendOutput(response: ServerResponse, output: unknown, started: number): void {
    let json: string;
    try {
      json = JSON.stringify(output ?? null) ?? 'null';
    } catch (error) {
      return this.sendError(response, errorReply(error), started);
    }
    this.send(response, 200, undefined, json, started);
  }

  private errorContext(request: IncomingMessage): FastifyErrorContext {
    return { headers: request.headers, routeOptions: { bodyLimit: this.maxBodySize } };
  }

  private sendError(response: ServerResponse, { status, headers, body }: ErrorReply, started: number, first?: Record<string, string>): void {
    this.send(response, status, first ? { ...first, ...headers } : headers, JSON.stringify(body), started);
  }

  /** The reply as Fastify sends it: the headers set before it (the error's own), then the type and length, in lower case. */
  private send(response: ServerResponse, status: number, extra: Record<string, string> | undefined, json: string, started: number): void {
    const headers: Record<string, string | number> = {};
    if (extra) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name];
    headers['content-type'] = JSON_TYPE;
    headers['content-length'] = Buffer.byteLength(json);
    try {
      response.writeHead(status, headers).end(json);
    } catch {
      response.destroy(); // a header the error carried that HTTP refuses: the client gets a reset, the server keeps serving
    }
    this.answered++;
    this.metrics.observeRequest(ROUTE, 'POST', status, (performance.now() - started) / 1000);
  }
}
