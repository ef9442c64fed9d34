import { registerDecorator, ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';

// Milliseconds divide: 700 / 1000 is the double nearest 0.7, where 700 * 0.001 is 0.7000000000000001.
const UNIT_SECONDS: Record<string, (amount: number) => number> = {
  ms: (amount) => amount / 1000,
  s: (amount) => amount,
  m: (amount) => amount * 60,
  h: (amount) => amount * 3600,
  d: (amount) => amount * 86400,
};
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/** Seconds from `90`, `"90"`, `"30s"`, `"5m"`, `"1h"`, `"250ms"`, `"1d"`; undefined when not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value.trim());
  return match ? UNIT_SECONDS[match[2] ?? 's'](Number(match[1])) : undefined;
}

/**
 * A duration's seconds as whole milliseconds, for what takes only integers (Redis's PX, Fastify's and
 * BullMQ's options): seconds times 1000 is not always whole ('1001ms' gives 1000.9999999999999).
 */
export function toMilliseconds(seconds: number): number {
  return Math.round(seconds * 1000);
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
