import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestServer, TestReply } from '@userscope/testing';

export type { TestReply } from '@userscope/testing';

/** A Userscope server on a free loopback port, serving a config file (a thin layer over @userscope/testing). */
export interface TestServer {
  app: NestFastifyApplication;
  url: string;
  /** POST JSON to `path`, optionally as `user` (nat-session cookie). */
  post(path: string, body: unknown, user?: string, headers?: Record<string, string>): Promise<TestReply>;
  close(): Promise<void>;
}

export async function startServer(configFile: string, env: NodeJS.ProcessEnv = process.env): Promise<TestServer> {
  const server = await createTestServer({ configFile, env });
  return {
    app: server.app,
    url: server.url,
    post: (path, body, user, headers = {}) =>
      server.client(user ? { cookie: `nat-session=${user}` } : {}).post(path, body, headers),
    close: () => server.close(),
  };
}
