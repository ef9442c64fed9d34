import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { USERSCOPE_CONFIG, WORKFLOW_NAME } from '../runtime.constants';
import { providerTokenOf } from './configured-function.providers';
import { ConfiguredFunction, UserscopeConfig } from '../config/userscope-config.interface';
import { FunctionHandle } from './function-handle';
import { RuntimeMessages } from '../runtime.messages';
import type { UserSession } from '../session/user-session';

/** Knows the configured functions and holds the handles of the shared ones, built at startup. */
@Injectable()
export class FunctionCatalog implements OnApplicationBootstrap {
  /** Per-user functions (those of per-user groups included), in config order: what a new user's session builds. */
  readonly perUser: ConfiguredFunction[];
  /** How many per-user function groups a session builds. */
  readonly perUserGroupCount: number;
  private readonly sharedHandles = new Map<string, FunctionHandle>();

  constructor(
    @Inject(USERSCOPE_CONFIG) readonly config: UserscopeConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    this.perUser = [...config.functions.values()].filter((fn) => fn.type.scope === 'per-user');
    this.perUserGroupCount = [...config.groups.values()].filter((group) => group.type.scope === 'per-user').length;
  }

  onApplicationBootstrap(): void {
    for (const fn of this.config.functions.values()) {
      if (fn.type.scope !== 'shared') continue;
      const instance = this.moduleRef.get<object>(providerTokenOf(fn), { strict: false });
      this.sharedHandles.set(fn.name, new FunctionHandle(fn, instance));
    }
  }

  get workflow(): ConfiguredFunction {
    return this.config.workflow;
  }

  get(name: string): ConfiguredFunction | undefined {
    return this.config.functions.get(name);
  }

  shared(name: string): FunctionHandle | undefined {
    return this.sharedHandles.get(name);
  }

  /** What `name` is to `session`'s user: their own per-user instance, or the shared one. Throws for an unknown name. */
  forSession<I = any, O = any>(session: UserSession, name: string): FunctionHandle<I, O> {
    const handle = session.functions.get(name) ?? this.sharedHandles.get(name);
    if (!handle) throw new Error(RuntimeMessages.unknownFunction(name, this.names()));
    return handle;
  }

  /** Configured names a caller may ask for (the workflow is reached through /generate, not by name). */
  names(): string[] {
    return [...this.config.functions.keys()].filter((name) => name !== WORKFLOW_NAME);
  }
}
