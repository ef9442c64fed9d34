import { Injectable, Scope } from '@nestjs/common';
import { FUNCTION_GROUP_METADATA, GROUP_FUNCTIONS_METADATA } from '../runtime.constants';
import { FunctionScope } from '../interfaces/function-type.interface';
import { FunctionGroupOptions, GroupFunctionDefinition, GroupFunctionOptions } from '../interfaces/function-group.interface';

function functionGroup(scope: FunctionScope, options: FunctionGroupOptions): ClassDecorator {
  return (target) => {
    Injectable(scope === 'per-user' ? { scope: Scope.REQUEST, durable: true } : {})(target);
    Reflect.defineMetadata(FUNCTION_GROUP_METADATA, { ...options, scope }, target);
  };
}

/**
 * A function group with one instance per user: its `@GroupFunction()` methods share that instance's
 * state, so a user's functions of the group see the same data, and no other user's.
 */
export function PerUserFunctionGroup(options: FunctionGroupOptions): ClassDecorator {
  return functionGroup('per-user', options);
}

/** A function group with one instance for all users. */
export function SharedFunctionGroup(options: FunctionGroupOptions): ClassDecorator {
  return functionGroup('shared', options);
}

/** Exposes a method of a function group class as a function, addressed as `<group>__<name>`. */
export function GroupFunction(options: GroupFunctionOptions): MethodDecorator {
  return (target, key) => {
    const functions: GroupFunctionDefinition[] = Reflect.getMetadata(GROUP_FUNCTIONS_METADATA, target.constructor) ?? [];
    const definition = { ...options, name: options.name ?? String(key), method: String(key) };
    Reflect.defineMetadata(GROUP_FUNCTIONS_METADATA, [...functions, definition], target.constructor);
  };
}
