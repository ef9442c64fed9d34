import { ApiServiceUnavailableResponse, type SchemaObject } from '@nestjs/swagger';
import { ERROR_SCHEMA_REF } from '@userscope/http';

/** Any JSON value, for OpenAPI: a field typed `unknown` would otherwise be documented as an object. */
export const ANY_JSON_SCHEMA: Pick<SchemaObject, 'oneOf'> = {
  oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }],
};

/** The 503 of every batch route: each reads or writes the batch store (or the job queue). */
export const ApiStoreUnavailableResponse = () =>
  ApiServiceUnavailableResponse({
    description: '`store_unavailable`: the batch store (or the job queue) did not answer (`details.store` names it); its Retry-After header says when to try again',
    schema: ERROR_SCHEMA_REF,
  });

/** Error replies of the batch routes, with the error schema: `@ApiNotFoundResponse(errorReply('...'))`. */
export const errorReply = (description: string) => ({ description, schema: ERROR_SCHEMA_REF });
