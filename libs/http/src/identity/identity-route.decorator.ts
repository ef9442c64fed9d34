import { ApiExtension } from '@nestjs/swagger';

/** The OpenAPI extension IdentityRoute marks an operation with; the document replaces it by the mode's security. */
export const IDENTITY_ROUTE_EXTENSION = 'x-userscope-identity-route';

/**
 * Marks a controller (or route) that acts for the calling user, as IdentityResolver names them: the
 * OpenAPI document gives it the active identity mode's security scheme (known only at startup) and
 * its 401. The route itself still resolves and checks the identity.
 */
export function IdentityRoute(): ClassDecorator & MethodDecorator {
  return ApiExtension(IDENTITY_ROUTE_EXTENSION, true) as ClassDecorator & MethodDecorator;
}
