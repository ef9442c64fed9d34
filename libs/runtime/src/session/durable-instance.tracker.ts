import { Injectable, InjectionToken, Scope } from '@nestjs/common';
import { ContextId, ModulesContainer, REQUEST } from '@nestjs/core';
import { compactContextRecord, forgetContext, perContextInstancesOf, ProviderNode, providerGraph, splitContextRecords } from '../internals/library-internals';

/**
 * Finds the instances Nest built in a session's durable context. Nest runs no lifecycle hooks for
 * them, so the runtime lists them (dependencies first) to dispose them, and drops them from Nest's
 * per-context maps so nothing keeps them reachable.
 */
@Injectable()
export class DurableInstanceTracker {
  private ordered: ProviderNode[] | undefined;

  constructor(private readonly modules: ModulesContainer) {}

  /** Instances existing in `contextId`, every dependency before its dependants. */
  collect(contextId: ContextId): object[] {
    const instances: object[] = [];
    for (const provider of this.perContextProviders()) {
      if (provider.token === REQUEST) continue;
      instances.push(...perContextInstancesOf(provider, contextId));
    }
    return instances;
  }

  /** Once a session is built: Nest's records of its instances in a shape every session shares (see `compactContextRecord`). */
  compact(contextId: ContextId): void {
    for (const provider of this.perContextProviders()) compactContextRecord(provider, contextId);
  }

  /**
   * The per-context providers that building `tokens` builds, theirs included, dependencies first (the
   * order of `collect`); undefined when a token is not exactly one such provider.
   */
  closureOf(tokens: readonly InjectionToken[]): ProviderNode[] | undefined {
    const ordered = this.perContextProviders();
    const needed = new Set<ProviderNode>();
    const visit = (node: ProviderNode): void => {
      if (needed.has(node) || !ordered.includes(node)) return;
      needed.add(node);
      node.dependencies.forEach(visit);
    };
    for (const token of tokens) {
      const found = ordered.filter((node) => node.token === token);
      if (found.length !== 1) return undefined;
      visit(found[0]);
    }
    return ordered.filter((node) => needed.has(node));
  }

  /** Drops everything Nest holds for `contextId`, the REQUEST payload included. */
  forget(contextId: ContextId): void {
    for (const provider of this.perContextProviders()) forgetContext(provider, contextId);
  }

  /**
   * `forget` for many contexts, provider by provider, calling `pause` before each provider: the delete
   * that empties a provider's table to a quarter rehashes it (~10 ms at 65,536 entries), so it gets a
   * turn of its own, apart from the work that came before it and from the other providers' rehashes.
   */
  async forgetMany(contextIds: ContextId[], pause: () => Promise<void>): Promise<void> {
    if (contextIds.length === 0) return;
    for (const provider of this.perContextProviders()) {
      await pause();
      for (const contextId of contextIds) forgetContext(provider, contextId);
    }
  }

  private perContextProviders(): ProviderNode[] {
    if (this.ordered) return this.ordered;
    const scoped = new Set(
      providerGraph(this.modules).filter(
        (node) => node.kind === 'provider' && node.isPerContext && node.scope !== Scope.TRANSIENT,
      ),
    );
    // Depth-first, dependencies first: the order in which Nest can have created them.
    const ordered: ProviderNode[] = [];
    const seen = new Set<ProviderNode>();
    const visit = (node: ProviderNode): void => {
      if (seen.has(node)) return;
      seen.add(node);
      for (const dep of node.dependencies) visit(dep);
      if (scoped.has(node)) ordered.push(node);
    };
    scoped.forEach(visit);
    // Once, at the first session: ending sessions then rehashes sixteenth-size tables (see splitContextRecords).
    ordered.forEach(splitContextRecords);
    this.ordered = ordered;
    return ordered;
  }
}
