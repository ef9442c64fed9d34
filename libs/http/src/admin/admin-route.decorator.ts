import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ERROR_SCHEMA_REF } from '../openapi/error-reply.schema';
import { AdminGuard } from './admin.guard';
import { ADMIN_SECURITY_NAME } from './admin.security';

/**
 * Makes a controller (or route) an operator route: AdminGuard closes it, and OpenAPI says it needs the
 * admin token and how the guard refuses, so that the guard and its documentation cannot drift apart.
 */
export function AdminRoute(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(AdminGuard),
    ApiSecurity(ADMIN_SECURITY_NAME),
    ApiUnauthorizedResponse({ description: '`unauthorized`: an admin token is set and the request has no `Authorization: Bearer`', schema: ERROR_SCHEMA_REF }),
    ApiForbiddenResponse({ description: '`forbidden`: the admin token is wrong, or none is set and the client is not on loopback', schema: ERROR_SCHEMA_REF }),
  );
}
