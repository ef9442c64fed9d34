import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/** The component name of every error reply's body in the OpenAPI document. */
export const ERROR_SCHEMA_NAME = 'Error';

/** Every error reply's body, as ErrorFilter sends it. */
export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable error code', example: 'invalid_input' },
    message: { type: 'string', description: 'What was wrong and how to fix it' },
    details: { description: 'More about the error; for `invalid_input` the rejected fields as `[{field, errors}]`' },
  },
};

/** A `$ref` to the error schema, for a route's error replies (`@ApiNotFoundResponse({ schema: ERROR_SCHEMA_REF })`). */
export const ERROR_SCHEMA_REF: ReferenceObject = { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` };

/** The component name of the error body of `/v1/*` (OpenAI's shape). */
export const OPENAI_ERROR_SCHEMA_NAME = 'OpenAiError';

/** The error body of `/v1/*`, as OpenAiErrorFilter sends it: what OpenAI clients read. */
export const OPENAI_ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'code'],
      properties: {
        message: { type: 'string', description: 'What was wrong and how to fix it' },
        type: { type: 'string', description: "OpenAI's error type", example: 'invalid_request_error' },
        param: { type: 'string', nullable: true, description: 'The request field at fault, when one is' },
        code: { type: 'string', description: "Userscope's stable error code", example: 'invalid_input' },
        details: { description: 'More about the error, as in `Error.details`' },
      },
    },
  },
};

export const OPENAI_ERROR_SCHEMA_REF: ReferenceObject = { $ref: `#/components/schemas/${OPENAI_ERROR_SCHEMA_NAME}` };
