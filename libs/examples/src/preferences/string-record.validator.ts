import { ValidateBy } from 'class-validator';

/** A mapping whose every value is a string (YAML `{ theme: dark }`). */
export function IsStringRecord(): PropertyDecorator {
  return ValidateBy({
    name: 'isStringRecord',
    validator: {
      validate: (value: unknown) =>
        !!value && typeof value === 'object' && Object.values(value).every((item) => typeof item === 'string'),
      defaultMessage: () => 'every value must be a string',
    },
  });
}
