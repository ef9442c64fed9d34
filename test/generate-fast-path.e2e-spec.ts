import { CallHandler, CanActivate, ExecutionContext, Injectable, Module, NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tap } from 'rxjs';
import { GenerateController } from '@userscope/http';
import { applyUserscopeBodyLimit, defineConfig, useGenerateFastPath, UserscopeModule } from 'userscope';

/**
 * POST /generate is served from Fastify without Nest's router when nothing global would have to see
 * it; an app with a global guard, interceptor or pipe gets the route through Nest, its enhancers included.
 */
const CONFIG = defineConfig({
  general: { plugins: ['@userscope/examples'] },
  functions: {
    notepad: { _type: 'per_user_notepad' },
    preferences: { _type: 'per_user_preferences' },
  },
  workflow: { _type: 'per_user_assistant', notepad_name: 'notepad', preferences_name: 'preferences' },
});

/** A host's global guard: refuses a request carrying `x-deny`, and remembers the paths it saw. */
class DenyingGuard implements CanActivate {
  readonly seen: string[] = [];
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    this.seen.push(request.url);
    return request.headers['x-deny'] === undefined;
  }
}

/** A host's global interceptor (an APP_INTERCEPTOR provider): marks every reply it handled. */
@Injectable()
class MarkingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(tap(() => void reply.header('x-intercepted', 'yes')));
  }
}

@Module({ imports: [UserscopeModule.forRoot({ config: CONFIG })] })
class PlainHost {}

@Module({ imports: [UserscopeModule.forRoot({ config: CONFIG })], providers: [{ provide: APP_INTERCEPTOR, useClass: MarkingInterceptor }] })
class InterceptedHost {}

async function listen(module: object, prepare: (app: NestFastifyApplication) => void) {
  const app = await NestFactory.create<NestFastifyApplication>(module as never, new FastifyAdapter(), { logger: false });
  applyUserscopeBodyLimit(app);
  useGenerateFastPath(app);
  prepare(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const generate = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, type: response.headers.get('content-type'), intercepted: response.headers.get('x-intercepted'), text: await response.text() };
  };
  return { app, generate };
}

describe('the /generate fast path', () => {
  let controllerCalls: jest.SpyInstance;

  beforeEach(() => {
    const original = GenerateController.prototype.generate;
    controllerCalls = jest.spyOn(GenerateController.prototype, 'generate');
    // Nest finds the route by the method's metadata (@Post, @HttpCode…): the spy carries it too.
    for (const key of Reflect.getMetadataKeys(original)) Reflect.defineMetadata(key, Reflect.getMetadata(key, original), GenerateController.prototype.generate);
  });
  afterEach(() => controllerCalls.mockRestore());

  it("serves /generate without Nest's router in an app with no global guard, interceptor or pipe, with the same replies", async () => {
    const { app, generate } = await listen(PlainHost, () => undefined);
    try {
      expect(await generate({ command: 'note', action: 'add', param1: 'hi' }, { cookie: 'nat-session=ann' })).toEqual({
        status: 200,
        type: 'application/json; charset=utf-8',
        intercepted: null,
        text: '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":1}}',
      });
      expect(await generate({ command: 7 }, { cookie: 'nat-session=ann' })).toEqual({
        status: 400,
        type: 'application/json; charset=utf-8',
        intercepted: null,
        text: expect.stringContaining('"code":"invalid_input"'),
      });
      expect(JSON.parse((await generate({ command: 'help' })).text)).toEqual({ code: 'missing_identity', message: expect.stringContaining("'nat-session' cookie") });
      expect(controllerCalls).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });

  it("switches itself off for an app with a global guard: the guard sees /generate and can refuse it", async () => {
    const guard = new DenyingGuard();
    const { app, generate } = await listen(PlainHost, (created) => created.useGlobalGuards(guard));
    try {
      expect((await generate({ command: 'help' }, { cookie: 'nat-session=bob', 'x-deny': '1' })).status).toBe(403);
      const served = await generate({ command: 'note', action: 'add', param1: 'hi' }, { cookie: 'nat-session=bob' });
      expect({ status: served.status, text: served.text }).toEqual({
        status: 200,
        text: '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":1}}',
      });
      expect(guard.seen).toEqual(['/generate', '/generate']);
      expect(controllerCalls).toHaveBeenCalledTimes(1);
    } finally {
      await app.close();
    }
  });

  it('switches itself off for an app with a global interceptor provider: it handles /generate', async () => {
    const { app, generate } = await listen(InterceptedHost, () => undefined);
    try {
      const served = await generate({ command: 'stats' }, { cookie: 'nat-session=cy' });
      expect({ status: served.status, intercepted: served.intercepted }).toEqual({ status: 200, intercepted: 'yes' });
      expect(controllerCalls).toHaveBeenCalledTimes(1);
    } finally {
      await app.close();
    }
  });
});
