import { Controller, Delete, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IdentityResolver } from '@userscope/http';
import { UserscopeHttpError } from '@userscope/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { McpServerMessages } from './mcp-server.messages';
import { McpServerSessions } from './mcp-server.sessions';
import { mcpServerSdk } from '../sdk/mcp-sdk.loader';

/** JSON-RPC's error codes for a request the server cannot take (the SDK's own answers use the same). */
const BAD_REQUEST = -32000;
const SESSION_NOT_FOUND = -32001;
const INTERNAL_ERROR = -32603;

/**
 * `POST/GET/DELETE /mcp`: the workflow and `general.front_end.mcp.tool_names` served over MCP's
 * Streamable HTTP, as the caller that the identity mode names. Left out of the OpenAPI document:
 * these are JSON-RPC messages that the MCP specification describes, not REST operations.
 */
@ApiExcludeController()
@Controller('mcp')
export class McpServerController {
  private readonly logger = new Logger('MCP');

  constructor(
    private readonly identity: IdentityResolver,
    private readonly sessions: McpServerSessions,
  ) {}

  @Post()
  post(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(request, reply);
  }

  @Get()
  stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(request, reply);
  }

  @Delete()
  end(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(request, reply);
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const userId = this.callerOf(request, reply);
    const id = request.headers['mcp-session-id'];
    const body = request.body;
    let transport = typeof id === 'string' ? this.sessions.find(userId, id)?.transport : undefined;
    if (!transport) {
      // Another user's session id is answered as an unknown one: it does not say that the session exists.
      if (id !== undefined) return rpcError(reply, 404, SESSION_NOT_FOUND, McpServerMessages.sessionNotFound());
      if (request.method !== 'POST' || !mcpServerSdk().isInitializeRequest(body)) return rpcError(reply, 400, BAD_REQUEST, McpServerMessages.sessionRequired());
      transport = await this.sessions.open(userId);
    }
    reply.hijack();
    try {
      // Fastify has read and parsed the body already: the transport is given it rather than the spent stream.
      await transport.handleRequest(request.raw, reply.raw as ServerResponse, body);
    } catch (error) {
      // The reply is the transport's now, so Nest's error filter cannot answer: a JSON-RPC error, or the connection ends.
      this.logger.error(`MCP request of user '${userId}' failed: ${(error as Error)?.message ?? String(error)}`);
      if (reply.raw.headersSent) reply.raw.destroy();
      else reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: INTERNAL_ERROR, message: McpServerMessages.internal() }, id: null }));
    }
  }

  /** The caller's user id; without a valid credential, a 401 with a WWW-Authenticate challenge, as MCP's authorization expects. */
  private callerOf(request: FastifyRequest, reply: FastifyReply): string {
    let userId: string | undefined;
    try {
      userId = this.identity.resolve(request);
    } catch (error) {
      throw this.challenged(error, reply);
    }
    if (userId === undefined) throw this.challenged(this.identity.missingIdentity(), reply);
    return userId;
  }

  /** `error`, with the mode's challenge on the reply when it is a 401 (the error filter puts a mode's own, jwt's `Bearer error=...`, over it). */
  private challenged(error: unknown, reply: FastifyReply): unknown {
    if (error instanceof UserscopeHttpError && error.getStatus() === 401) void reply.header('www-authenticate', challengeOf(this.identity.security.scheme));
    return error;
  }
}

/** The WWW-Authenticate challenge of the identity mode's credential; the mode's own (jwt's `Bearer error=...`) replaces it. */
function challengeOf(scheme: { type: string; scheme?: string; in?: string; name?: string }): string {
  if (scheme.type === 'http' && scheme.scheme) return `${scheme.scheme[0].toUpperCase()}${scheme.scheme.slice(1)} realm="userscope"`;
  return `ApiKey realm="userscope", in="${scheme.in ?? 'header'}", name="${scheme.name ?? ''}"`;
}

function rpcError(reply: FastifyReply, status: number, code: number, message: string): void {
  void reply.status(status).header('content-type', 'application/json').send({ jsonrpc: '2.0', error: { code, message }, id: null });
}
