import type { SecuritySchemeObject } from '@nestjs/swagger';
import { ADMIN_TOKEN_ENV } from './admin.constants';

/** The OpenAPI security scheme of the admin token, named apart from any identity mode's (jwt is a bearer too). */
export const ADMIN_SECURITY_NAME = 'admin_token';

export const ADMIN_SECURITY_SCHEME: SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  description:
    `The admin token (\`general.admin_token\` or ${ADMIN_TOKEN_ENV}): \`Authorization: Bearer <token>\`. ` +
    'While none is set, admin routes answer loopback clients only.',
};
