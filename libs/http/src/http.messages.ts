/** Error texts of the HTTP front end. */
export const HttpMessages = {
  notFound: (method: string, url: string) => `No route ${method} ${url}. See /docs for the API.`,
  invalidJson: (reason: string) => `The request body is not valid JSON: ${reason}`,
  jsonUnparsable: () => 'it does not parse (check its quotes, commas and brackets).',
  jsonEmpty: () => 'it is empty; send {} for an empty object.',
  jsonTooDeep: (limit: number) =>
    `The request body nests objects and arrays more than ${limit} levels deep, the server's limit (general.max_json_depth).`,
  forbiddenKey: (key: string, path: string) =>
    `The request body may not have the key '${key}' (at ${path}): it would reach object prototypes. Rename the field.`,
  invalidUtf8: (offset: number) => `The request body is not valid UTF-8 at byte ${offset} (counting from 0); send it encoded as UTF-8.`,
  bodyTooLarge: (limit: number) => `The request body is larger than the limit of ${limit} bytes (general.max_body_size).`,
  unsupportedMediaType: (type: string) => `Unsupported Content-Type '${type}': send application/json (text/csv for user imports).`,
  headersTooLarge: (limit: number) => `The request headers are larger than the limit of ${limit} bytes; send fewer or smaller headers (cookies).`,
  requestTimeout: () => 'The request took too long to arrive.',
  badHttp: () => 'The request is not valid HTTP.',
  checkTimedOut: (ms: number) => `No answer within ${ms} ms.`,
  generateLaneOff: (reason: string) => `POST /generate goes through Fastify's route, not the faster lane in front of it: ${reason}.`,
  internal: () => 'Internal server error. The details are in the server log.',
} as const;
