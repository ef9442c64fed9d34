import { Injectable, Scope } from '@nestjs/common';
import { FUNCTION_TYPE_METADATA } from '../runtime.constants';
import { FunctionScope, FunctionTypeOptions } from '../interfaces/function-type.interface';

function functionType(scope: FunctionScope, options: FunctionTypeOptions): ClassDecorator {
  return (target) => {
    // Per-user types live in a durable request scope: the session's ContextId selects the instance.
    Injectable(scope === 'per-user' ? { scope: Scope.REQUEST, durable: true } : {})(target);
    Reflect.defineMetadata(FUNCTION_TYPE_METADATA, { ...options, scope }, target);
  };
}

/**
 * Makes a class a per-user function type: every user gets their own instance, built on the user's
 * first request and disposed when the session ends (`onSessionEnd()` or `Symbol.asyncDispose`).
 */
export function PerUserFunction(options: FunctionTypeOptions): ClassDecorator {
  return functionType('per-user', options);
}

/** Makes a class a shared function type: one instance for all users, built at startup. */
export function SharedFunction(options: FunctionTypeOptions): ClassDecorator {
  return functionType('shared', options);
}
