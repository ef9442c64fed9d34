import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { registerWebUi } from './web-ui';

@Controller('api/things')
class ThingsController {
  @Get()
  list() {
    return [];
  }
}

@Module({ controllers: [ThingsController] })
class AppModule {}

describe('registerWebUi', () => {
  let build: string;
  let app: NestFastifyApplication;

  const start = async (root: string) => {
    app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
    // As the server does: Swagger UI has registered @fastify/static for /docs already.
    SwaggerModule.setup('/docs', app, SwaggerModule.createDocument(app, new DocumentBuilder().build()));
    const served = await registerWebUi(app, { root });
    await app.init();
    return served;
  };
  const get = (url: string, accept = '*/*') => app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers: { accept } });

  beforeEach(() => {
    build = mkdtempSync(join(tmpdir(), 'userscope-web-ui-'));
    mkdirSync(join(build, 'assets'));
    writeFileSync(join(build, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(build, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterEach(async () => {
    await app?.close();
    rmSync(build, { recursive: true, force: true });
  });

  it('serves the page at / and its fingerprinted assets for a year', async () => {
    expect(await start(build)).toBe(true);
    const page = await get('/', 'text/html');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toContain('<div id="root">');
    const asset = await get('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers browser navigations outside the API with the page (SPA fallback)', async () => {
    await start(build);
    const deep = await get('/runs/123', 'text/html,application/xhtml+xml');
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<div id="root">');
  });

  it('leaves the API, Swagger UI and every other 404 as they were', async () => {
    await start(build);
    expect((await get('/api/things')).json()).toEqual([]);
    expect((await get('/docs', 'text/html')).statusCode).toBe(200);
    for (const [url, accept] of [
      ['/api/nothing', 'text/html'],
      ['/monitor/nothing', 'text/html'],
      ['/nothing', 'application/json'],
      ['/assets/missing.js', 'text/html'],
    ]) {
      const reply = await get(url, accept);
      expect(reply.statusCode).toBe(404);
      expect(reply.headers['content-type']).toMatch(/application\/json/);
    }
  });

  it('serves nothing when the page has not been built', async () => {
    expect(await start(join(build, 'missing'))).toBe(false);
    expect((await get('/', 'text/html')).statusCode).toBe(404);
  });
});
