import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { configSection, USERSCOPE_CONFIG, UserscopeConfig, toMilliseconds } from '@userscope/runtime';
import { FRONT_END_CONFIG_SECTION } from '../front-end/front-end-config.section';
import { ResponsesController } from './responses.controller';
import { ResponsesService } from './responses.service';
import { createResponseStore } from './store/response-store.factory';
import { ResponsesRedisOptions } from './store/redis.response-store';
import { RESPONSE_STORE, ResponseStore } from './store/response-store.interface';

/** Options of `ResponsesModule.forRoot`. */
export interface ResponsesModuleOptions {
  /** The Redis to keep stored responses in, shared by the app's servers; this process's memory without one. */
  redis?: ResponsesRedisOptions;
}

/**
 * OpenAI's Responses API (`/v1/responses`) over the chat workflow, with each user's stored responses
 * kept under `general.front_end.responses_ttl` and `responses_max_per_user`. Needs `UserscopeHttpModule`.
 */
@Module({})
export class ResponsesModule implements OnApplicationShutdown {
  constructor(@Inject(RESPONSE_STORE) private readonly store: ResponseStore) {}

  static forRoot(options: ResponsesModuleOptions = {}): DynamicModule {
    return {
      module: ResponsesModule,
      controllers: [ResponsesController],
      providers: [
        {
          provide: RESPONSE_STORE,
          inject: [USERSCOPE_CONFIG],
          useFactory: (config: UserscopeConfig) => {
            const { responses_ttl: ttl, responses_max_per_user: maxPerUser } = configSection(config, FRONT_END_CONFIG_SECTION);
            return createResponseStore({ ttlMs: toMilliseconds(ttl), maxPerUser }, options.redis);
          },
        },
        ResponsesService,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
