import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ChatMessages } from '../chat.messages';

/** `GET /v1/models/{id}` of a model the server does not serve: OpenAI's 404 `model_not_found`. */
export class ModelNotFoundError extends UserscopeHttpError {
  /** The request field at fault, as OpenAI's error body names it. */
  readonly param = 'model';

  constructor(model: string, served: string) {
    super(HttpStatus.NOT_FOUND, { code: 'model_not_found', message: ChatMessages.modelNotFound(model, served) });
  }
}
