import { Injectable } from '@nestjs/common';
import { ContextId, ModulesContainer, REQUEST } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';

/**
 * Finds the instances Nest built in a session's durable context. Nest runs no lifecycle hooks for
 * them, so the runtime lists them (dependencies first) to dispose them, and drops them from Nest's
 * per-context maps so nothing keeps them reachable.
 */
@Injectable()
export class DurableInstanceTracker {
  private ordered: InstanceWrapper[] | undefined;

  constructor(private readonly modules: ModulesContainer) {}

  /** Instances existing in `contextId`, every dependency before its dependants. */
  collect(contextId: ContextId): object[] {
    const instances: object[] = [];
    for (const wrapper of this.scopedWrappers()) {
      if (wrapper.token === REQUEST) continue;
      for (const host of wrapper.getExistingInstancesByContextId(contextId)) {
        if (host.isResolved && host.instance) instances.push(host.instance as object);
      }
    }
    return instances;
  }

  /** Drops everything Nest holds for `contextId`, the REQUEST payload included. */
  forget(contextId: ContextId): void {
    for (const wrapper of this.scopedWrappers()) wrapper.removeInstanceByContextId(contextId);
  }

  /** `forget` for many contexts, provider by provider, calling `pause` between providers. */
  async forgetMany(contextIds: ContextId[], pause: () => Promise<void>): Promise<void> {
    if (contextIds.length === 0) return;
    for (const wrapper of this.scopedWrappers()) {
      for (const contextId of contextIds) wrapper.removeInstanceByContextId(contextId);
      await pause();
    }
  }

  private scopedWrappers(): InstanceWrapper[] {
    if (this.ordered) return this.ordered;
    const scoped = new Set<InstanceWrapper>();
    for (const module of this.modules.values()) {
      for (const wrapper of module.providers.values()) {
        if (!wrapper.isDependencyTreeStatic() && !wrapper.isTransient) scoped.add(wrapper);
      }
    }
    // Depth-first, dependencies first: the order in which Nest can have created them.
    const ordered: InstanceWrapper[] = [];
    const seen = new Set<InstanceWrapper>();
    const visit = (wrapper: InstanceWrapper): void => {
      if (seen.has(wrapper)) return;
      seen.add(wrapper);
      const deps = [...(wrapper.getCtorMetadata() ?? []), ...(wrapper.getPropertiesMetadata() ?? []).map((p) => p.wrapper)];
      for (const dep of deps) if (dep) visit(dep);
      if (scoped.has(wrapper)) ordered.push(wrapper);
    };
    scoped.forEach(visit);
    this.ordered = ordered;
    return ordered;
  }
}
