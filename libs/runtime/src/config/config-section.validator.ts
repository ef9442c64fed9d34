import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { ConfigIssue } from '../exceptions/config.exception';

/** A YAML mapping (a plain object), not a list or a scalar. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Builds `cls` from a mapping of the file, defaults applied, and records each violated constraint
 * under its key path (`path.key`, list items as `path.key[0]`). An unknown key is an issue naming the
 * known ones, unless `unknownKeys: 'ignore'` (the caller then reports them its own way).
 */
export function validateConfigSection<T extends object>(
  cls: new () => T,
  plain: Record<string, unknown>,
  path: string,
  issues: ConfigIssue[],
  { unknownKeys = 'error' }: { unknownKeys?: 'error' | 'ignore' } = {},
): T {
  // Free-form mappings (`default_preferences: {...}`) are copied as they are: class-transformer would
  // drop keys like `toString` or `__proto__` and throws on a `constructor` key.
  const mappings = Object.keys(plain).filter(
    (key) => isMapping(plain[key]) && Reflect.getMetadata('design:type', cls.prototype, key) === Object,
  );
  const rest = Object.fromEntries(Object.entries(plain).filter(([key]) => !mappings.includes(key)));
  const value = plainToInstance(cls, rest, { exposeDefaultValues: true });
  for (const key of mappings) {
    Object.defineProperty(value, key, { value: copyMapping(plain[key] as Record<string, unknown>), enumerable: true, writable: true, configurable: true });
  }
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: unknownKeys === 'error' });
  issues.push(...validationIssues(errors, path, cls));
  return value;
}

/** The keys `cls` takes: those with a validation decorator. */
export function configKeys(cls: Function): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/** A copy whose every key, `__proto__` included, is an own data property. */
function copyMapping(mapping: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(mapping)) {
    Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/**
 * class-validator's error tree as a flat list of `{path, message}`: list items as `nodes[0]`, the
 * property's name taken off the front of its message (the path names it), unknown keys with the known ones.
 */
export function validationIssues(errors: ValidationError[], path = '', cls?: Function): ConfigIssue[] {
  return errors.flatMap((error) => {
    const keyPath = /^\d+$/.test(error.property) ? `${path}[${error.property}]` : path ? `${path}.${error.property}` : error.property;
    // A nested object's unknown key names the keys of its own class.
    const owner = error.target && typeof error.target === 'object' ? error.target.constructor : (cls ?? Object);
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      path: keyPath,
      message:
        constraint === 'whitelistValidation'
          ? `unknown key '${error.property}' for ${owner.name}; known keys: ${configKeys(owner).join(', ')}`
          : message.replace(new RegExp(`^${error.property} `), ''),
    }));
    return [...own, ...validationIssues(error.children ?? [], keyPath, cls)];
  });
}
