import { Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit, Optional, Type, UseFilters } from '@nestjs/common';
import { ContextIdFactory, ContextIdStrategy, DiscoveryModule, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { appliedContextIdStrategy, inlineSchema, USERSCOPE_CONFIG, UserDataRegistry, UserscopeConfig } from '@userscope/runtime';
import { Logger } from '@nestjs/common';
import { GenerateController } from './generate.controller';
import { GenerateStreamController } from './generate-stream.controller';
import { HealthController } from './health.controller';
import { MonitorController } from './monitor/monitor.controller';
import { UserStateController } from './monitor/user-state.controller';
import { AdminGuard } from './admin/admin.guard';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics.registry';
import { registerRequestMetrics } from './metrics/request-metrics.hook';
import { IdentityResolver } from './identity/identity.resolver';
import { SessionContextIdStrategy } from './identity/session-context-id.strategy';
import { ChatController } from './chat/chat.controller';
import { ChatCompletionsController } from './chat/chat-completions.controller';
import { ModelsController } from './chat/models.controller';
import { MyUsageController, UsageController } from './usage/usage.controller';
import { UserLimitsController } from './usage/user-limits.controller';
import { OpenAiFallbackController } from './chat/openai-fallback.controller';
import { OpenAiRoutesExplorer } from './chat/openai-routes.explorer';
import { RequestAdmission } from './admission/request-admission';
import { admitRequestScopedControllers } from './admission/admitted-controllers';
import { registerAdmissionRelease } from './admission/admission-release.hook';
import { ErrorFilter } from './error.filter';
import { fillInRequestTimeout } from './request-timeout';
import { ReadinessRegistry } from './readiness/readiness.registry';
import { MonitorBackends } from './monitor/monitor-backends';


/**
 * Gives Userscope's controllers its error shape, `{code, message, details?}`, leaving the host
 * app's routes theirs. Other Userscope modules call it for their own controllers.
 */
export function useUserscopeErrors(...controllers: Type<object>[]): void {
  controllers.forEach((controller) => UseFilters(ErrorFilter)(controller));
}

const USERSCOPE_CONTROLLERS = [
  GenerateController,
  GenerateStreamController,
  ChatController,
  HealthController,
  MonitorController,
  UserStateController,
  MetricsController,
  UsageController,
  MyUsageController,
  UserLimitsController,
];
useUserscopeErrors(...USERSCOPE_CONTROLLERS);

/**
 * The HTTP front end: NAT's routes over the per-user runtime, the identity resolver, and the
 * ContextIdStrategy that gives request-scoped controllers their caller's per-user instances.
 * Global, so that other Userscope modules' controllers (batch) get its guard and error filter.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  // The OpenAI routes have their own error shape; the fallback answers what none of them serves.
  controllers: [...USERSCOPE_CONTROLLERS, ChatCompletionsController, ModelsController, OpenAiFallbackController],
  providers: [
    OpenAiRoutesExplorer,
    IdentityResolver,
    SessionContextIdStrategy,
    RequestAdmission,
    AdminGuard,
    MetricsRegistry,
    ReadinessRegistry,
    MonitorBackends,
  ],
  exports: [IdentityResolver, AdminGuard, MetricsRegistry, ReadinessRegistry, MonitorBackends],
})
export class UserscopeHttpModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly strategy: SessionContextIdStrategy,
    private readonly metrics: MetricsRegistry,
    modules: ModulesContainer,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
    identity: IdentityResolver,
    userData: UserDataRegistry,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    userData.register({ name: 'verified claims', deleteUser: async (userId) => Number(identity.claims.forget(userId)) });
    // Composed, not replaced: the host's own strategy keeps serving the requests Userscope does not own.
    ContextIdFactory.apply(strategy.composeWith(appliedContextIdStrategy()));
    // Now, while the app is being created: Nest reads controllers' interceptors when it adds routes, at init.
    admitRequestScopedControllers(modules);
  }

  /** Fastify hooks cover every route, the host's too, as long as they go on before the server is ready. */
  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.();
    if (!fastify?.addHook) return; // an application context (the CLI's run, batch): no HTTP
    if (fillInRequestTimeout(this.adapterHost?.httpAdapter.getHttpServer(), this.config.general)) {
      new Logger('Http').log(`general.request_timeout (${this.config.general.request_timeout} s) set on the app's HTTP server, which had none`);
    }
    this.strategy.serve(fastify);
    registerRequestMetrics(fastify, this.metrics);
    registerAdmissionRelease(fastify);
  }

  /**
   * Hands the process's strategy back to the one before, when it is still this app's. Once the HTTP
   * server has closed, not before: a draining replica (cluster mode) still serves its users meanwhile.
   */
  onApplicationShutdown(): void {
    this.strategy.close();
    if (appliedContextIdStrategy() === this.strategy) ContextIdFactory.apply(this.strategy.host as ContextIdStrategy);
  }

  /** NAT logs the /generate payload format at startup; so do we. */
  onApplicationBootstrap(): void {
    const schema = inlineSchema(this.config.workflow.type.inputSchema);
    new Logger('Generate').log(`Expecting generate request payloads in the following format: ${JSON.stringify(schema)}`);
  }
}
