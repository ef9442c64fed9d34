import { DynamicModule, Global, Logger, Module, OnModuleInit, Inject } from '@nestjs/common';
import { IdentityResolver } from '@userscope/http';
import { ConfigError, USERSCOPE_CONFIG, UserDataRegistry, UserscopeConfig } from '@userscope/runtime';
import { McpToolListController } from './api/mcp-tool-list.controller';
import { MySecretsController, UserSecretsController } from './api/user-secrets.controller';
import { mcpConfigIssues } from './config/mcp-startup.checks';
import { MCP_MODULE_OPTIONS, SECRET_RECORDS } from './mcp.constants';
import { RedisSecretRecords, SecretRedisOptions } from './secrets/redis-secret.records';
import { MemorySecretRecords } from './secrets/secret-records';
import { UserSecrets } from './secrets/user-secrets.service';
import { McpServerController } from './server/mcp-server.controller';
import { McpServerSessions } from './server/mcp-server.sessions';
import { McpServerTools } from './server/mcp-server.tools';

/** Where the secrets are kept: Redis (where the app's processes meet) or, without it, this process's memory. */
export interface McpModuleOptions {
  redis?: SecretRedisOptions;
  /** The environment USERSCOPE_SECRETS_KEY is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Per-user secrets (`/api/users/{id}/secrets`, `/me/secrets`) and `GET /mcp/client/tool/list`:
 * what the MCP client groups (McpClientPlugin) use. And `/mcp`, the MCP server front end: the
 * workflow and `general.front_end.mcp.tool_names` as MCP tools, each call run as its caller. The identity resolver, and the verified claims
 * `{{identity:claims.X}}` reads, are the HTTP front end's (UserscopeHttpModule, global).
 */
@Global()
@Module({})
export class McpModule implements OnModuleInit {
  private readonly logger = new Logger('MCP');

  constructor(
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
    private readonly secrets: UserSecrets,
    private readonly identity: IdentityResolver,
    userData: UserDataRegistry,
  ) {
    // Deleting a user deletes their secrets.
    userData.register({ name: 'secrets', deleteUser: (userId) => secrets.deleteAll(userId) });
  }

  static forRoot(options: McpModuleOptions = {}): DynamicModule {
    return {
      module: McpModule,
      controllers: [UserSecretsController, MySecretsController, McpToolListController, McpServerController],
      providers: [
        { provide: MCP_MODULE_OPTIONS, useValue: options },
        { provide: SECRET_RECORDS, useFactory: () => (options.redis ? new RedisSecretRecords(options.redis) : new MemorySecretRecords()) },
        UserSecrets,
        McpServerTools,
        McpServerSessions,
      ],
      exports: [UserSecrets],
    };
  }

  /** A header that needs the secrets key fails the start; one that trusts an unverified identity warns. */
  onModuleInit(): void {
    const { errors, warnings } = mcpConfigIssues(this.config, { secretsKeySet: this.secrets.configured, identityVerified: this.identity.security.verified });
    if (errors.length > 0) throw new ConfigError(this.config.file, errors);
    for (const warning of warnings) this.logger.warn(warning);
  }
}
