export { HttpMessages } from './http.messages';
export {
  type IdentityRequest,
  IdentityResolver,
  type IdentitySecurity,
  readCookie,
} from './identity/identity.resolver';
export {
  IDENTITY_MODES,
  IdentityConfig,
  type IdentityModeName,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  MIN_SECRET_LENGTH,
  parseIpOrCidr,
} from './identity/identity.config';
export { VerifiedClaims } from './identity/verified-claims';
export { DEFAULT_SESSION_COOKIE } from './identity/identity.constants';
export { IDENTITY_CONFIG_SECTION, identityConfigOf } from './identity/identity-config.section';
export { MissingIdentityError } from './identity/exceptions/missing-identity.exception';
export { InvalidIdentityError } from './identity/exceptions/invalid-identity.exception';
export { HTTP_CONFIG_SECTIONS } from './http-config.sections';
export { FRONT_END_CONFIG_SECTION } from './front-end/front-end-config.section';
export { FrontEndConfig, McpFrontEndConfig } from './front-end/front-end.config';
export { SessionContextIdStrategy } from './identity/session-context-id.strategy';
export { GenerateController } from './generate.controller';
export { GenerateStreamController } from './generate-stream.controller';
export { type EventStreamFormat, NAT_EVENT_STREAM, writeEventStream } from './event-stream.writer';
export { HealthController } from './health.controller';
export { type ReadinessCheck, type ReadinessReport, type ReadinessStatus } from './readiness/readiness-check.interface';
export { ReadinessRegistry } from './readiness/readiness.registry';
export { describeError, ErrorFilter } from './error.filter';
export { UserscopeHttpModule, useUserscopeErrors } from './userscope-http.module';
export { isUserscopeRoute, USERSCOPE_ROUTE_PREFIXES } from './userscope-routes';
export { applyUserscopeBodyLimit } from './body-limit';
export { requestTimeoutOptions } from './request-timeout';
export { useGenerateFastPath } from './generate-fast-path';
export { GenerateLane, type LaneGate } from './generate-lane/generate.lane';
export { useUtf8JsonParser } from './request-body/utf8-json.parser';
export { createOpenApiDocument, DOCS_PATH, OPENAPI_JSON_PATH, setupOpenApi } from './openapi/openapi.document';
export { registerWebUi, WEB_UI_BUILD_DIR, WEB_UI_RESERVED_PREFIXES, type WebUiOptions } from './web/web-ui';
export { enableGracefulShutdown, gracefulShutdown, type GracefulShutdownOptions } from './graceful-shutdown';
export { ADMIN_TOKEN_ENV } from './admin/admin.constants';
export { AdminGuard, isLoopback } from './admin/admin.guard';
export { AdminRoute } from './admin/admin-route.decorator';
export { ERROR_SCHEMA_REF } from './openapi/error-reply.schema';
export { MonitorController } from './monitor/monitor.controller';
export { userMonitorEntry } from './monitor/user-monitor.view';
export { MissingReplica, UserMonitorEntry, UsersMonitorReply } from './monitor/dto/users-monitor.dto';
export { type ClusterMonitor, type PeerUsersQuery, type PeerUsersReport } from './monitor/cluster-monitor.interface';
export { MonitorBackends } from './monitor/monitor-backends';
export { UserStateController } from './monitor/user-state.controller';
export { UserEndReply } from './monitor/dto/user-end.reply';
export { UserStateReply } from './monitor/dto/user-state.reply';
export { MetricsRegistry } from './metrics/metrics.registry';
export { userscopeClientErrorHandler } from './client-error.handler';
export { InvalidRequestBodyError, type RequestBodyErrorCode } from './exceptions/invalid-request-body.exception';
export { ResponsesModule, type ResponsesModuleOptions } from './responses/responses.module';
export { type ResponsesRedisOptions } from './responses/store/redis.response-store';
