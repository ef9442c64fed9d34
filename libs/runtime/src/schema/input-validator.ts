import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { Type } from '@nestjs/common';
import { SchemaType } from '../interfaces/function-type.interface';
import { FieldError, InvalidInputError } from '../exceptions/invocation.exception';
import { isPrimitiveType } from './type-schema';

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
  return (value) => {
    if (value instanceof cls) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InvalidInputError(functionName, [{ field: '', errors: ['must be a JSON object'] }]);
    }
    const input = plainToInstance(cls, value);
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
