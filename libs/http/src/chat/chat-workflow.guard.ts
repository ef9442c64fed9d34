import { CanActivate, HttpStatus, Injectable } from '@nestjs/common';
import { ChatRequest, ChatResponse } from '@userscope/llm';
import { FunctionCatalog, RegisteredFunctionType, UserscopeHttpError } from '@userscope/runtime';
import { ChatMessages } from './chat.messages';

/** A chat route called while the workflow does not speak the chat protocol: 400, saying what to call instead. */
export class NotAChatWorkflowError extends UserscopeHttpError {
  constructor(type: string) {
    super(HttpStatus.BAD_REQUEST, { code: 'not_a_chat_workflow', message: ChatMessages.notAChatWorkflow(type) });
  }
}

/** Whether a function type takes a `ChatRequest` and answers a `ChatResponse` (subclasses included). */
export function isChatFunction(type: RegisteredFunctionType): boolean {
  return extendsClass(type.input, ChatRequest) && extendsClass(type.output, ChatResponse);
}

/** Lets the chat routes run only when the configured workflow is a chat workflow. */
@Injectable()
export class ChatWorkflowGuard implements CanActivate {
  private readonly chat: boolean;

  constructor(private readonly catalog: FunctionCatalog) {
    this.chat = isChatFunction(catalog.workflow.type);
  }

  canActivate(): boolean {
    if (!this.chat) throw new NotAChatWorkflowError(this.catalog.workflow.type.name);
    return true;
  }
}

function extendsClass(type: unknown, base: Function): boolean {
  return typeof type === 'function' && (type === base || type.prototype instanceof base);
}
