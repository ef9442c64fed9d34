import { Inject, Injectable, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { UserSession } from '../session/user-session';
import { RuntimeMessages } from '../runtime.messages';
import { FunctionCatalog } from './function.catalog';
import { FunctionHandle } from './function-handle';
import type { DiscoveredFunction, DiscoveredFunctionGroup } from '../interfaces/discovered-function-group.interface';

/**
 * Reaches other configured functions by their YAML name from a per-user function: the same user's
 * instance of a per-user function, the one instance of a shared function. NAT's
 * `builder.get_function(name)`. Call `get()` when invoked, not in a constructor.
 */
@Injectable({ scope: Scope.REQUEST, durable: true })
export class Functions {
  constructor(
    @Inject(REQUEST) private readonly session: UserSession,
    private readonly catalog: FunctionCatalog,
  ) {}

  get<I = any, O = any>(name: string): FunctionHandle<I, O> {
    return this.catalog.forSession(this.session, name);
  }

  /** The functions the discovered group `group` (an MCP client) finds now, with the user's own instance of a per-user group. */
  listDiscovered(group: string, signal?: AbortSignal): Promise<DiscoveredFunction[]> {
    const instance = this.catalog.groupInstance(this.session, group) as DiscoveredFunctionGroup | undefined;
    if (!instance) throw new Error(RuntimeMessages.unknownFunction(group, this.catalog.names()));
    return instance.listFunctions(signal);
  }
}

/** The accessor for shared functions: reaches shared functions only. */
@Injectable()
export class SharedFunctions {
  constructor(private readonly catalog: FunctionCatalog) {}

  get<I = any, O = any>(name: string): FunctionHandle<I, O> {
    const handle = this.catalog.shared(name);
    if (handle) return handle;
    if (this.catalog.get(name)) throw new Error(RuntimeMessages.perUserFromShared(name));
    throw new Error(RuntimeMessages.unknownFunction(name, this.catalog.names()));
  }
}
