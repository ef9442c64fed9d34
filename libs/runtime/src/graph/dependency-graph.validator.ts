import { Inject, Injectable, OnModuleInit, Scope } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { functionGroupToken, functionToken, USERSCOPE_CONFIG, WORKFLOW_NAME } from '../runtime.constants';
import { providerTokenOf } from '../functions/configured-function.providers';
import { UserscopeConfig } from '../config/userscope-config.interface';
import { DependencyGraphError } from './dependency-graph.error';

/**
 * Refuses to start when a shared component depends, directly or through others, on a per-user one.
 * Nest would quietly make such a singleton request-scoped ("scope bubbling"); in Userscope a shared
 * component must stay one instance. Edges: constructor, property and enhancer dependencies of every
 * provider and controller, plus function references declared in config.
 */
@Injectable()
export class DependencyGraphValidator implements OnModuleInit {
  constructor(
    private readonly modules: ModulesContainer,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
  ) {}

  onModuleInit(): void {
    const problems = [...this.findCycles(), ...this.findSharedToPerUser()];
    if (problems.length > 0) throw new DependencyGraphError(problems);
  }

  /** One message per shared component that reaches a per-user one, shortest chain first. */
  findSharedToPerUser(): string[] {
    const { nodes, edges } = this.graph();
    const found: { chain: InstanceWrapper[]; message: string }[] = [];
    for (const root of nodes) {
      if ((root.scope ?? Scope.DEFAULT) !== Scope.DEFAULT || this.isInternal(root)) continue;
      const chain = shortestChainToPerUser(root, edges);
      if (chain) found.push({ chain, message: this.describe(chain) });
    }
    return found.sort((a, b) => a.chain.length - b.chain.length).map((f) => f.message);
  }

  /** Cycles among the functions' config references (Nest reports constructor cycles itself). */
  findCycles(): string[] {
    const refs = new Map([...this.config.functions.values()].map((fn) => [fn.name, fn.references]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') {
        const cycle = [...path.slice(path.indexOf(name)), name].map(displayName);
        cycles.push(`Dependency cycle between functions: ${cycle.join(' → ')}`);
        return;
      }
      state.set(name, 'visiting');
      for (const ref of refs.get(name) ?? []) visit(ref, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of refs.keys()) visit(name, []);
    return cycles;
  }

  private graph(): { nodes: InstanceWrapper[]; edges: Map<InstanceWrapper, InstanceWrapper[]> } {
    const nodes: InstanceWrapper[] = [];
    const byToken = new Map<unknown, InstanceWrapper>();
    for (const module of this.modules.values()) {
      for (const collection of [module.providers, module.controllers, module.injectables]) {
        for (const [token, wrapper] of collection) {
          nodes.push(wrapper);
          if (!byToken.has(token)) byToken.set(token, wrapper);
        }
      }
    }
    const edges = new Map<InstanceWrapper, InstanceWrapper[]>();
    for (const wrapper of nodes) {
      const deps = [
        ...(wrapper.getCtorMetadata() ?? []),
        ...(wrapper.getPropertiesMetadata() ?? []).map((property) => property.wrapper),
        ...(wrapper.getEnhancersMetadata() ?? []),
      ].filter((dep): dep is InstanceWrapper => !!dep);
      edges.set(wrapper, deps);
    }
    for (const fn of this.config.functions.values()) {
      const wrapper = byToken.get(providerTokenOf(fn));
      if (!wrapper) continue;
      const refs = fn.references
        .map((ref) => this.config.functions.get(ref))
        .map((target) => target && byToken.get(providerTokenOf(target)))
        .filter((w): w is InstanceWrapper => !!w && w !== wrapper);
      edges.get(wrapper)!.push(...refs);
    }
    return { nodes, edges };
  }

  /** Nest's own providers (the REQUEST token and the like) are not the user's to fix. */
  private isInternal(wrapper: InstanceWrapper): boolean {
    return wrapper.host?.metatype?.name === 'InternalCoreModule';
  }

  private describe(chain: InstanceWrapper[]): string {
    const root = chain[0];
    const target = chain[chain.length - 1];
    const names = chain.map(nodeName);
    const rootFunction = functionName(root);
    const subject =
      rootFunction === WORKFLOW_NAME
        ? 'Shared Workflow'
        : rootFunction
          ? `Function \`${rootFunction}\``
          : groupName(root)
            ? `Function group \`${groupName(root)}\``
          : `Shared ${root.host?.controllers.has(root.token) ? 'controller' : 'provider'} \`${nodeName(root)}\``;
    const object = functionName(target)
      ? `per-user function \`${nodeName(target)}\``
      : groupName(target)
        ? `per-user function group \`${nodeName(target)}\``
        : `per-user provider \`${nodeName(target)}\``;
    return `${subject} depends on ${object} (${names.join(' → ')})`;
  }
}

/** Breadth-first: the shortest path from `root` through non-per-user nodes to a per-user one. */
function shortestChainToPerUser(root: InstanceWrapper, edges: Map<InstanceWrapper, InstanceWrapper[]>): InstanceWrapper[] | undefined {
  const parent = new Map<InstanceWrapper, InstanceWrapper | null>([[root, null]]);
  const queue = [root];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const dep of edges.get(node) ?? []) {
      if (parent.has(dep)) continue;
      parent.set(dep, node);
      if (dep.scope === Scope.REQUEST) {
        const chain = [dep];
        for (let at = parent.get(dep); at; at = parent.get(at)) chain.unshift(at);
        return chain;
      }
      queue.push(dep);
    }
  }
  return undefined;
}

const FUNCTION_TOKEN_PREFIX = functionToken('');

function functionName(wrapper: InstanceWrapper): string | undefined {
  return typeof wrapper.token === 'string' && wrapper.token.startsWith(FUNCTION_TOKEN_PREFIX)
    ? wrapper.token.slice(FUNCTION_TOKEN_PREFIX.length)
    : undefined;
}

const GROUP_TOKEN_PREFIX = functionGroupToken('');

function groupName(wrapper: InstanceWrapper): string | undefined {
  return typeof wrapper.token === 'string' && wrapper.token.startsWith(GROUP_TOKEN_PREFIX)
    ? wrapper.token.slice(GROUP_TOKEN_PREFIX.length)
    : undefined;
}

function displayName(name: string): string {
  return name === WORKFLOW_NAME ? 'workflow' : name;
}

function nodeName(wrapper: InstanceWrapper): string {
  const fn = functionName(wrapper) ?? groupName(wrapper);
  if (fn) return displayName(fn);
  return typeof wrapper.token === 'function' ? wrapper.token.name : String(wrapper.name ?? wrapper.token);
}
