import { Transform } from 'class-transformer';
import { registerDecorator, ValidationOptions } from 'class-validator';

/** An HTTP header's name (RFC 9110's token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A child's environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A config field mapping names (each matching `names`) to strings: headers, a child's environment.
 * A number or boolean is taken as its text (`${PORT:-8080}` is loaded as a number); anything else
 * is refused, naming the key.
 */
export function IsStringMap(names: RegExp, what: string, options?: ValidationOptions): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => (isMapping(value) ? Object.fromEntries(Object.entries(value).map(([name, v]) => [name, isScalar(v) ? String(v) : v])) : value))(target, key);
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: String(key),
      options,
      validator: {
        validate: (value: unknown) => isMapping(value) && Object.entries(value).every(([name, v]) => names.test(name) && typeof v === 'string'),
        defaultMessage: (args) => {
          const value = args?.value;
          if (!isMapping(value)) return `must be a mapping of ${what} names to strings`;
          const [name] = Object.entries(value).find(([n, v]) => !names.test(n) || typeof v !== 'string')!;
          return names.test(name) ? `'${name}' must be a string` : `'${name}' is not a valid ${what} name (it must match ${names.source})`;
        },
      },
    });
  };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}
