import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createUserscopeApp, loadApplication } from 'userscope';

/** A reply read whole: status, body (and its JSON, when it is JSON), headers. */
export interface TestReply {
  status: number;
  text: string;
  json: any;
  headers: Headers;
  setCookie: string[];
}

/** A Userscope server on a free loopback port, serving a config file. */
export interface TestServer {
  app: NestFastifyApplication;
  url: string;
  /** POST JSON to `path`, optionally as `user` (nat-session cookie). */
  post(path: string, body: unknown, user?: string, headers?: Record<string, string>): Promise<TestReply>;
  close(): Promise<void>;
}

export async function startServer(configFile: string, env: NodeJS.ProcessEnv = process.env): Promise<TestServer> {
  const app = await createUserscopeApp(loadApplication(configFile, env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    url,
    async post(path, body, user, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(user ? { cookie: `nat-session=${user}` } : {}), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, text, json, headers: response.headers, setCookie: response.headers.getSetCookie() };
    },
    close: () => app.close(),
  };
}
