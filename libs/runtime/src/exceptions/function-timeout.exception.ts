import { HttpStatus } from '@nestjs/common';
import { RuntimeMessages } from '../runtime.messages';
import { UserscopeHttpError } from './invocation.exception';

/** A call of the workflow ran longer than `general.function_timeout`: 504, its signal aborted, its slot freed. */
export class FunctionTimeoutError extends UserscopeHttpError {
  constructor(functionName: string, timeoutSeconds: number) {
    super(HttpStatus.GATEWAY_TIMEOUT, {
      code: 'function_timeout',
      message: RuntimeMessages.functionTimeout(functionName, timeoutSeconds),
      details: { function: functionName, timeout_seconds: timeoutSeconds },
    });
  }
}
