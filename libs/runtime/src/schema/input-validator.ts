import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { Type } from '@nestjs/common';
import { SchemaType } from '../interfaces/function-type.interface';
import { FieldError, InvalidInputError } from '../exceptions/invocation.exception';
import { hasClassTransformerMetadata } from '../internals/library-internals';
import { isPrimitiveType } from './type-schema';
import { compileInputCheck, CompiledInputCheck } from './compiled-input.check';

const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** Converts a JSON value to a function's input type, applying defaults, or throws InvalidInputError. */
export type InputParser = (value: unknown) => unknown;

export function createInputParser(functionName: string, type: SchemaType): InputParser {
  if (type === Object) return (value) => value;
  if (isPrimitiveType(type)) {
    const expected = (type as Function).name.toLowerCase();
    return (value) => {
      if (typeof value === expected) return value;
      throw new InvalidInputError(functionName, [{ field: '', errors: [`must be a ${expected}`] }]);
    };
  }
  const cls = type as Type<object>;
  const toInstance = usesClassTransformer(cls) ? (value: object) => plainToInstance(cls, value) : assignTo(cls);
  // Compiled on the first input, not at registration: most registered types never see one.
  let check: CompiledInputCheck | null | undefined;
  return (value) => {
    if (value instanceof cls) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InvalidInputError(functionName, [{ field: '', errors: ['must be a JSON object'] }]);
    }
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) {
      // class-validator's whitelist does not see this key; it is never a field of an input type.
      throw new InvalidInputError(functionName, [{ field: '__proto__', errors: ['property __proto__ should not exist'] }]);
    }
    const input = toInstance(value);
    check ??= compileInputCheck(cls) ?? null;
    if (check?.(input)) return input;
    // Refused (or no compiled check): class-validator decides, and its errors are the 400's.
    const errors = validateSync(input, VALIDATION_OPTIONS);
    if (errors.length > 0) throw new InvalidInputError(functionName, flattenErrors(errors));
    return input;
  };
}

/** class-validator's error tree as a flat list of dotted field paths with their messages. */
export function flattenErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flattenErrors(error.children ?? [], field)];
  });
}

/**
 * Whether `cls` needs class-transformer (nested `@Type`, `@Transform`, `@Expose`/`@Exclude`). Most
 * inputs are flat, and for them copying onto a new instance gives the same object several times faster
 * (class-transformer is the largest cost of a request otherwise).
 */
function usesClassTransformer(cls: Type<object>): boolean {
  const properties = getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .map((metadata) => metadata.propertyName);
  return hasClassTransformerMetadata(cls, properties);
}

/**
 * A new instance (so property defaults apply) with the value's own keys copied on as data. Assigned
 * when nothing on the instance or its prototypes could turn an assignment into something else (an
 * accessor, a read-only property): several times cheaper than a `defineProperty` per key.
 */
function assignTo(cls: Type<object>): (value: object) => object {
  let copy: ((value: object) => object) | undefined; // chosen on the first input, as the compiled check
  return (value) => (copy ??= assignmentIsDefinition(cls) ? assignKeys(cls) : defineKeys(cls))(value);
}

function assignKeys(cls: Type<object>): (value: object) => object {
  return (value) => {
    const instance = new cls() as Record<string, unknown>;
    // `__proto__` never gets here (createInputParser refuses it first), so every key lands as an own property.
    for (const key of Object.keys(value)) instance[key] = (value as Record<string, unknown>)[key];
    return instance;
  };
}

function defineKeys(cls: Type<object>): (value: object) => object {
  return (value) => {
    const instance = new cls() as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      // Defined, not assigned: a `__proto__` key stays a plain (and then rejected) property.
      Object.defineProperty(instance, key, {
        value: (value as Record<string, unknown>)[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return instance;
  };
}

/** Whether assigning any key to a new `cls` defines a writable own data property, as `defineProperty` would. */
function assignmentIsDefinition(cls: Type<object>): boolean {
  let probe: object;
  try {
    probe = new cls();
  } catch {
    return false; // it throws for every input anyway; the general copy keeps its error as it was
  }
  if (!Object.isExtensible(probe)) return false;
  for (let target: object | null = probe; target && target !== Object.prototype; target = Object.getPrototypeOf(target)) {
    const plainData = Object.values(Object.getOwnPropertyDescriptors(target)).every((descriptor) => 'value' in descriptor && descriptor.writable);
    if (!plainData) return false;
  }
  return true;
}
