import { registerDecorator, ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';

// Whole milliseconds per unit, divided last: 700 / 1000 is the double nearest 0.7, where 700 * 0.001 is 0.7000000000000001.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/** Seconds from `90`, `"90"`, `"30s"`, `"5m"`, `"1h"`, `"250ms"`, `"1d"`; undefined when not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value.trim());
  return match ? (Number(match[1]) * UNIT_MS[match[2] ?? 's']) / 1000 : undefined;
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
