import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { identityConfigOf } from '@userscope/http';
import { loadApplication, prepareUserscopeApp, standaloneAppOptions, UserscopeConfigSource, UserscopeModule, userscopeAdapter } from 'userscope';
import { TestingMessages } from './testing.messages';
import { UserClient } from './user-client';

/** What `createTestServer` takes: a config source, and optionally Nest testing overrides. */
export type TestServerOptions = UserscopeConfigSource & {
  /** Overrides providers as with `@nestjs/testing`: `(builder) => builder.overrideProvider(X).useValue(y)`. */
  overrides?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Log Nest's output; default silent. */
  logs?: boolean;
};

/** A Userscope server on a free loopback port. */
export interface TestServer {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** A client that calls as `userId`, the way the config's identity mode names users (cookie modes). */
  asUser(userId: string): UserClient;
  /** A client with the credentials you give (JWT, API key, trusted header), or none. */
  client(headers?: Record<string, string>): UserClient;
  close(): Promise<void>;
}

/**
 * Starts a real Userscope server (the one `userscope serve` runs) on 127.0.0.1 with a free port,
 * for tests that call it over HTTP.
 */
export async function createTestServer(options: TestServerOptions): Promise<TestServer> {
  const { overrides, logs, ...source } = options;
  const loaded = loadApplication(source as UserscopeConfigSource);
  let builder = Test.createTestingModule({ imports: [UserscopeModule.fromApplication(loaded, { standalone: true })] });
  if (overrides) builder = overrides(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(userscopeAdapter(loaded.config.general), { ...standaloneAppOptions, logger: logs ? undefined : false });
  await prepareUserscopeApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const identity = identityConfigOf(loaded.config);
  return {
    app,
    url,
    asUser(userId) {
      if (identity.mode !== 'cookie') throw new Error(TestingMessages.asUserNeedsCookieMode(identity.mode));
      return new UserClient(url, { cookie: `${identity.cookie_name}=${userId}` });
    },
    client: (headers = {}) => new UserClient(url, headers),
    close: () => app.close(),
  };
}
