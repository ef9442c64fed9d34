import { DynamicModule, Logger, Module, Type } from '@nestjs/common';
import { UserDataRegistry } from './users/user-data.registry';
import { UserFieldsRegistry } from './users/user-fields.registry';
import { ScheduleModule } from '@nestjs/schedule';
import { USERSCOPE_CONFIG } from './runtime.constants';
import { UserscopeConfig } from './config/userscope-config.interface';
import { FunctionTypeRegistry } from './function-type.registry';
import { pluginWithConfiguredFunctions } from './functions/configured-function.providers';
import { FunctionCatalog } from './functions/function.catalog';
import { Functions, SharedFunctions } from './functions/functions.accessor';
import { WorkflowRunner } from './functions/workflow.runner';
import { UserFunctions } from './functions/user-functions';
import { UserInvoker } from './functions/user-invoker';
import { DurableInstanceTracker } from './session/durable-instance.tracker';
import { SessionInstanceBuilder } from './session/session-instances.builder';
import { SessionLifecycle } from './session/session.lifecycle';
import { ProcessFaultListener } from './faults/process-fault.listener';
import { ShutdownProgress } from './shutdown/shutdown-progress';
import { SessionRegistry } from './session/session.registry';
import { SessionBackends } from './session/ownership/session-backends';
import { IdleSessionEvictor } from './session/idle-session.evictor';
import { trackCurrentSession } from './session/current-session';
import { DependencyGraphValidator } from './graph/dependency-graph.validator';
import { checkRuntimeCopies } from './copies/runtime-copies';

export interface UserscopeRuntimeOptions {
  /** The loaded config (see `resolveConfig`). */
  config: UserscopeConfig;
  /** The registry the config was resolved against. */
  registry: FunctionTypeRegistry;
  /** Plugin modules; each gets a provider per configured function of its types. */
  plugins: Type<object>[];
}

/** The per-user runtime: configured functions, sessions, and the workflow runner. Global. */
@Module({})
export class UserscopeRuntimeModule {
  static forRoot(options: UserscopeRuntimeOptions): DynamicModule {
    const duplicates = checkRuntimeCopies();
    if (duplicates) new Logger('Userscope').warn(duplicates);
    // Libraries that need it switch it on themselves (the LLM library, for token accounting).
    if (options.config.general.track_current_session) trackCurrentSession();
    const services = [FunctionCatalog, Functions, SharedFunctions, SessionRegistry, SessionLifecycle, IdleSessionEvictor, DurableInstanceTracker, SessionInstanceBuilder, WorkflowRunner, UserFunctions, UserInvoker, ProcessFaultListener, ShutdownProgress, SessionBackends, UserDataRegistry, UserFieldsRegistry];
    return {
      module: UserscopeRuntimeModule,
      global: true,
      imports: [
        ScheduleModule.forRoot(),
        ...options.plugins.map((plugin) => pluginWithConfiguredFunctions(plugin, options.config)),
      ],
      providers: [
        { provide: USERSCOPE_CONFIG, useValue: options.config },
        { provide: FunctionTypeRegistry, useValue: options.registry },
        ...services,
        DependencyGraphValidator,
      ],
      exports: [USERSCOPE_CONFIG, FunctionTypeRegistry, ...services],
    };
  }
}
