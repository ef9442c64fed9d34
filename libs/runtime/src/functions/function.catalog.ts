import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { functionGroupToken, USERSCOPE_CONFIG, WORKFLOW_NAME } from '../runtime.constants';
import { providerTokenOf } from './configured-function.providers';
import { ConfiguredFunction, ConfiguredFunctionGroup, UserscopeConfig } from '../config/userscope-config.interface';
import { discoveredFunctionOf } from '../config/discovered-functions';
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
  /** Per-user groups whose functions are found at run time: a session builds their instances whatever is known of their functions. */
  readonly perUserDiscoveredGroups: ConfiguredFunctionGroup[];
  private readonly sharedHandles = new Map<string, FunctionHandle>();
  private readonly sharedGroups = new Map<string, object>();
  /** Functions of discovered groups first asked for by name at run time (a batch node's), kept once made. */
  private readonly discovered = new Map<string, ConfiguredFunction>();

  constructor(
    @Inject(USERSCOPE_CONFIG) readonly config: UserscopeConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    this.perUser = [...config.functions.values()].filter((fn) => fn.type.scope === 'per-user');
    this.perUserGroupCount = [...config.groups.values()].filter((group) => group.type.scope === 'per-user').length;
    this.perUserDiscoveredGroups = [...config.groups.values()].filter((group) => group.type.scope === 'per-user' && group.type.discovered);
  }

  onApplicationBootstrap(): void {
    for (const fn of this.config.functions.values()) {
      if (fn.type.scope !== 'shared') continue;
      const instance = this.moduleRef.get<object>(providerTokenOf(fn), { strict: false });
      this.sharedHandles.set(fn.name, new FunctionHandle(fn, instance));
    }
    for (const group of this.config.groups.values()) {
      if (group.type.scope !== 'shared' || !group.type.discovered) continue;
      this.sharedGroups.set(group.name, this.moduleRef.get<object>(functionGroupToken(group.name), { strict: false }));
    }
  }

  get workflow(): ConfiguredFunction {
    return this.config.workflow;
  }

  /** The configured function `name`, or the selected function of a discovered group that it names. */
  get(name: string): ConfiguredFunction | undefined {
    const configured = this.config.functions.get(name) ?? this.discovered.get(name);
    if (configured) return configured;
    const discovered = discoveredFunctionOf(this.config.groups, name);
    if (discovered) this.discovered.set(name, discovered);
    return discovered;
  }

  /** The instance of the discovered group `name` that `session`'s user has: their own for a per-user group, else the shared one. */
  groupInstance(session: UserSession | undefined, name: string): object | undefined {
    return session?.groups.get(name) ?? this.sharedGroups.get(name);
  }

  /** The instances of the shared discovered groups (shared MCP clients), one each. */
  sharedGroupInstances(): object[] {
    return [...this.sharedGroups.values()];
  }

  shared(name: string): FunctionHandle | undefined {
    return this.sharedHandles.get(name) ?? (this.get(name)?.type.scope === 'shared' ? this.discoveredHandle(undefined, name) : undefined);
  }

  /** What `name` is to `session`'s user: their own per-user instance, or the shared one. Throws for an unknown name. */
  forSession<I = any, O = any>(session: UserSession, name: string): FunctionHandle<I, O> {
    const handle = session.functions.get(name) ?? this.sharedHandles.get(name) ?? this.discoveredHandle(session, name);
    if (!handle) throw new Error(RuntimeMessages.unknownFunction(name, this.names()));
    return handle;
  }

  /** A handle on a discovered group's function not known at startup, bound to the user's (or the shared) group instance. */
  private discoveredHandle(session: UserSession | undefined, name: string): FunctionHandle | undefined {
    const fn = this.get(name);
    const instance = fn?.group && this.groupInstance(session, fn.group);
    if (!fn || !instance) return undefined;
    const handle = new FunctionHandle(fn, instance);
    if (fn.type.scope === 'per-user') session!.functions.set(name, handle);
    else this.sharedHandles.set(name, handle);
    return handle;
  }

  /** Configured names a caller may ask for (the workflow is reached through /generate, not by name). */
  names(): string[] {
    return [...this.config.functions.keys()].filter((name) => name !== WORKFLOW_NAME);
  }
}
