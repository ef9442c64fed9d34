import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { isUserscopeRoute } from './userscope-routes';

/**
 * Gives Userscope's routes `general.max_body_size` as their body limit (Fastify's per-route
 * `bodyLimit`), leaving the host's routes at the host's limit. Call after `NestFactory.create`,
 * before `listen`/`init`: Nest adds its routes at init.
 */
export function applyUserscopeBodyLimit(app: NestFastifyApplication): void {
  const limit = app.get<UserscopeConfig>(USERSCOPE_CONFIG, { strict: false }).general.max_body_size;
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    if (isUserscopeRoute(route.url)) route.bodyLimit = limit;
  });
}
