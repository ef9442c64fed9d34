import { Inject, Injectable, OnModuleInit, Scope } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { functionGroupToken, functionToken, USERSCOPE_CONFIG, WORKFLOW_NAME } from '../runtime.constants';
import { providerTokenOf } from '../functions/configured-function.providers';
import { UserscopeConfig } from '../config/userscope-config.interface';
import { ProviderNode, providerGraph } from '../internals/library-internals';
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
    const found: { chain: ProviderNode[]; message: string }[] = [];
    for (const root of nodes) {
      if (root.scope !== Scope.DEFAULT || root.isNestInternal) continue;
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

  private graph(): { nodes: ProviderNode[]; edges: Map<ProviderNode, ProviderNode[]> } {
    const nodes = providerGraph(this.modules);
    const byToken = new Map<unknown, ProviderNode>();
    for (const node of nodes) if (!byToken.has(node.token)) byToken.set(node.token, node);
    const edges = new Map(nodes.map((node) => [node, [...node.dependencies, ...node.enhancers]]));
    for (const fn of this.config.functions.values()) {
      const node = byToken.get(providerTokenOf(fn));
      if (!node) continue;
      const refs = fn.references
        .map((ref) => this.config.functions.get(ref))
        .map((target) => target && byToken.get(providerTokenOf(target)))
        .filter((n): n is ProviderNode => !!n && n !== node);
      edges.get(node)!.push(...refs);
    }
    return { nodes, edges };
  }

  private describe(chain: ProviderNode[]): string {
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
          : `Shared ${root.kind === 'controller' ? 'controller' : 'provider'} \`${nodeName(root)}\``;
    const object = functionName(target)
      ? `per-user function \`${nodeName(target)}\``
      : groupName(target)
        ? `per-user function group \`${nodeName(target)}\``
        : `per-user provider \`${nodeName(target)}\``;
    return `${subject} depends on ${object} (${names.join(' → ')})`;
  }
}

/** Breadth-first: the shortest path from `root` through non-per-user nodes to a per-user one. */
function shortestChainToPerUser(root: ProviderNode, edges: Map<ProviderNode, ProviderNode[]>): ProviderNode[] | undefined {
  const parent = new Map<ProviderNode, ProviderNode | null>([[root, null]]);
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

function functionName(node: ProviderNode): string | undefined {
  return typeof node.token === 'string' && node.token.startsWith(FUNCTION_TOKEN_PREFIX)
    ? node.token.slice(FUNCTION_TOKEN_PREFIX.length)
    : undefined;
}

const GROUP_TOKEN_PREFIX = functionGroupToken('');

function groupName(node: ProviderNode): string | undefined {
  return typeof node.token === 'string' && node.token.startsWith(GROUP_TOKEN_PREFIX)
    ? node.token.slice(GROUP_TOKEN_PREFIX.length)
    : undefined;
}

function displayName(name: string): string {
  return name === WORKFLOW_NAME ? 'workflow' : name;
}

function nodeName(node: ProviderNode): string {
  const fn = functionName(node) ?? groupName(node);
  if (fn) return displayName(fn);
  return typeof node.token === 'function' ? node.token.name : String(node.name ?? node.token);
}
