import { ContextIdFactory, ContextIdStrategy } from '@nestjs/core';

/**
 * The strategy applied with `ContextIdFactory.apply` so far. Nest offers no getter, and composing
 * with the host's strategy needs it: this reads Nest's private static (checked by the contract spec).
 */
export function appliedContextIdStrategy(): ContextIdStrategy | undefined {
  return (ContextIdFactory as unknown as { strategy?: ContextIdStrategy }).strategy;
}
