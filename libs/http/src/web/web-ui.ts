import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { USERSCOPE_ROUTE_PREFIXES } from '../userscope-routes';

/** Where `npm run build` puts the page (web/ built by Vite), relative to the package root. */
export const WEB_UI_BUILD_DIR = join('dist', 'web-page');

/** Paths that belong to the server's API: never answered with the page, even for a browser. */
export const WEB_UI_RESERVED_PREFIXES = ['/api', ...USERSCOPE_ROUTE_PREFIXES];

export interface WebUiOptions {
  /** The built page's folder; default: `dist/web-page` of the package this file belongs to. */
  root?: string;
}

/**
 * Serves the multi-user execution page (web/, built into this package's `dist/web-page`) at `/` when the build exists:
 * its files as they are, and `index.html` for any other browser navigation outside the API (SPA
 * fallback). Everything else — unknown API paths, non-HTML requests — still gets the JSON 404.
 * Call before `app.init()`. Returns whether the page is served.
 */
export async function registerWebUi(app: NestFastifyApplication, options: WebUiOptions = {}): Promise<boolean> {
  const root = options.root ?? findBuiltPage();
  const indexFile = root && join(root, 'index.html');
  if (!root || !indexFile || !existsSync(indexFile)) return false;
  const indexHtml = readFileSync(indexFile);
  const assets = join(root, 'assets') + sep;

  // Swagger UI registered @fastify/static for /docs already: no reply decorators, and one route per
  // file (wildcard: false) so that the fallback below owns `/*`.
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    decorateReply: false,
    wildcard: false,
    index: ['index.html'],
    // Vite fingerprints everything under assets/; the page itself must be revalidated.
    cacheControl: false,
    setHeaders: (reply: FastifyReply, file: string) => {
      reply.header('cache-control', file.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
    if (!isPageNavigation(request)) return reply.callNotFound();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  });
  new Logger('WebUi').log(`Serving the web page from ${root} at /`);
  return true;
}

/** A browser asking for a page (not a file, not the API): it gets the SPA's index.html. */
function isPageNavigation(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  if (WEB_UI_RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return false;
  if (/\.[A-Za-z0-9]+$/.test(path)) return false; // a missing file is a 404, not the page
  return String(request.headers.accept ?? '').includes('text/html');
}

/** `dist/web-page` of the @userscope/http package (the folder holding its package.json), from dist/ or sources. */
function findBuiltPage(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, WEB_UI_BUILD_DIR);
    if (dirname(dir) === dir) return undefined;
  }
}
