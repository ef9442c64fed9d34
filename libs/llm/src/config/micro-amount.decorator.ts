import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * An amount of money or a price kept to a millionth (six decimals). class-validator's
 * `IsNumber({ maxDecimalPlaces })` throws on numbers JavaScript writes in exponent form (1e-7),
 * so the check is done here, on the value itself.
 */
export function IsMicroAmount(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isMicroAmount',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a number with at most 6 decimals`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'number' || !Number.isFinite(value)) return false;
          const micros = value * 1_000_000;
          return Math.abs(micros - Math.round(micros)) < 1e-6;
        },
      },
    });
}
