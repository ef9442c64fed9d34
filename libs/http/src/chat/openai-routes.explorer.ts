import { Injectable, OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

/** The prefix of OpenAI's routes, whose errors are in OpenAI's shape. */
export const OPENAI_ROUTE_PREFIX = 'v1';

interface RouteEntry {
  method: string;
  pattern: RegExp;
}

/**
 * Finds the routes of the controllers under `/v1` at init, so that a request for a path they serve
 * with another method is told which methods it takes (405), not that nothing is there (404).
 */
@Injectable()
export class OpenAiRoutesExplorer implements OnModuleInit {
  private routes: RouteEntry[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    this.routes = this.discovery.getControllers().flatMap(({ metatype }) => {
      const base = metatype && pathsOf(Reflect.getMetadata(PATH_METADATA, metatype));
      if (!base?.some((path) => path === OPENAI_ROUTE_PREFIX)) return [];
      const prototype = metatype!.prototype;
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        // RequestMethod.ALL is the fallback's own: it serves every path.
        if (method === undefined || method === RequestMethod.ALL) return [];
        return pathsOf(Reflect.getMetadata(PATH_METADATA, handler)).map((path) => ({ method: RequestMethod[method], pattern: patternOf(path) }));
      });
    });
  }

  /** The methods a `/v1` path is served with; empty when none. HEAD comes with GET, as Fastify adds it. */
  methodsFor(path: string): string[] {
    const methods = this.routes.filter((route) => route.pattern.test(path)).map((route) => route.method);
    if (methods.includes('GET')) methods.push('HEAD');
    return [...new Set(methods)];
  }
}

function pathsOf(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((path) => String(path).replace(/^\/+|\/+$/g, ''));
}

/** `/v1/<path>`, its `:params` one segment each. */
function patternOf(path: string): RegExp {
  const segments = [OPENAI_ROUTE_PREFIX, ...(path ? path.split('/') : [])].map((segment) =>
    segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^/${segments.join('/')}/?$`);
}
