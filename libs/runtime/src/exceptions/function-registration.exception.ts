/** A function type or plugin that cannot be registered. Stops startup. */
export class FunctionRegistrationError extends Error {
  override name = 'FunctionRegistrationError';
}
