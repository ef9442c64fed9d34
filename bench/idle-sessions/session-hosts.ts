import 'reflect-metadata';
import { AssistantInput } from '@userscope/examples';
import { IdleSessionEvictor, SessionRegistry, USERSCOPE_CONFIG, UserscopeConfig, WorkflowRunner } from '@userscope/runtime';
import { createUserscopeApp, loadApplication } from 'userscope';
import { readExampleConfig } from '../baselines/example-config';
import { UserAssistants } from '../baselines/user-assistants';

/** Something that keeps users' state between their requests: Userscope, or the baseline's Map. */
export interface SessionHost {
  /** Runs one request (a JSON body) for `userId`. */
  request(userId: string, body: string): Promise<unknown>;
  /** Users whose state is held now. */
  readonly users: number;
  /** Ends every idle user; resolves with how many were ended. */
  endIdleUsers(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Userscope serving the seed example, called in-process through its WorkflowRunner (what
 * POST /generate calls after reading the cookie). Idle users are ended by the idle evictor's sweep
 * with its clock set past the idle timeout.
 */
export async function userscopeHost(configFile = 'configs/config.yml'): Promise<SessionHost> {
  const app = await createUserscopeApp(loadApplication(configFile), { logger: false });
  const runner = app.get(WorkflowRunner);
  const registry = app.get(SessionRegistry);
  const evictor = app.get(IdleSessionEvictor);
  const timeoutMs = app.get<UserscopeConfig>(USERSCOPE_CONFIG).general.per_user_workflow_timeout * 1000;
  return {
    request: (userId, body) => runner.run({ userId }, JSON.parse(body)),
    get users() {
      return registry.size;
    },
    // Everyone's last request is older than now, so a clock one timeout ahead finds them all idle.
    endIdleUsers: () => evictor.sweep(Date.now() + timeoutMs + 1),
    close: () => app.close(),
  };
}

/**
 * The baseline: the same users' own data and nothing else. Each user's assistant, notepad and
 * preferences are the example's classes, kept in a Map by user id (bench/baselines/user-assistants).
 */
export function baselineHost(): SessionHost {
  const assistants = new UserAssistants(readExampleConfig());
  return {
    request: (userId, body) => assistants.for(userId).invoke(JSON.parse(body) as AssistantInput),
    get users() {
      return assistants.size;
    },
    endIdleUsers: async () => {
      const ended = assistants.size;
      assistants.clear();
      return ended;
    },
    close: async () => undefined,
  };
}
