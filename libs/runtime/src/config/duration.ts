import { registerDecorator, ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/** Seconds from `90`, `"90"`, `"30s"`, `"5m"`, `"1h"`, `"250ms"`, `"1d"`; undefined when not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value.trim());
  return match ? Number(match[1]) * UNIT_SECONDS[match[2] ?? 's'] : undefined;
}

/** A config field holding a duration; after loading it is a number of seconds. */
export function IsDuration(options?: ValidationOptions): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => parseDuration(value) ?? value)(target, key);
    registerDecorator({
      name: 'isDuration',
      target: target.constructor,
      propertyName: String(key),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'number' && value >= 0,
        defaultMessage: (args) =>
          `must be a duration: seconds, or a number with a unit like 30s, 5m, 1h (got ${JSON.stringify(args?.value)})`,
      },
    });
  };
}
