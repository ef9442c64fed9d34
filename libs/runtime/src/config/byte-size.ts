import { registerDecorator, ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';

const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;

/** Bytes from `1048576`, `"512kb"`, `"1mb"`, `"1MiB"`; undefined when not a size. */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = SIZE.exec(value.trim());
  return match ? Math.floor(Number(match[1]) * UNIT_BYTES[(match[2] ?? 'b').toLowerCase()]) || undefined : undefined;
}

/** A config field holding a size; after loading it is a number of bytes. */
export function IsByteSize(options?: ValidationOptions): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => parseByteSize(value) ?? value)(target, key);
    registerDecorator({
      name: 'isByteSize',
      target: target.constructor,
      propertyName: String(key),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0,
        defaultMessage: (args) => `must be a size in bytes, or like 512kb, 1mb (got ${JSON.stringify(args?.value)})`,
      },
    });
  };
}
