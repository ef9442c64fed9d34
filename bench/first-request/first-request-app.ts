import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { createUserscopeApp, loadApplication } from 'userscope';
import { serializeNewUserBuilds } from './global-build-lock';

/** How new users' sessions get built: in parallel (Userscope), or one at a time behind a global lock (NAT). */
export type BuildVariant = 'userscope' | 'global-lock';

export const FIRST_REQUEST_CONFIG = 'bench/fixtures/first-request.yml';

/** The body every first request sends. */
export const FIRST_REQUEST_BODY = JSON.stringify({ query: 'ping' });

/** Userscope serving bench/fixtures/first-request.yml, not yet listening; with the global build lock for `global-lock`. */
export async function firstRequestApp(variant: BuildVariant): Promise<NestFastifyApplication> {
  const app = await createUserscopeApp(loadApplication(FIRST_REQUEST_CONFIG), { logger: false });
  if (variant === 'global-lock') serializeNewUserBuilds(app.get(SessionLifecycle), app.get(SessionRegistry));
  return app;
}
