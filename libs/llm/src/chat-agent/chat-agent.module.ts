import { Module } from '@nestjs/common';
import { UserscopePlugin } from '@userscope/runtime';
import { PerUserChatAgentFunction } from './per-user-chat-agent.function';

/** The `per_user_chat_agent` workflow type, as a plugin. Needs `LlmModule` in the application. */
@UserscopePlugin({ functions: [PerUserChatAgentFunction] })
@Module({})
export class ChatAgentModule {}
