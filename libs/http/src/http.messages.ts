/** Error texts of the HTTP front end. */
export const HttpMessages = {
  notFound: (method: string, url: string) => `No route ${method} ${url}. See /docs for the API.`,
  invalidJson: (reason: string) => `The request body is not valid JSON: ${reason}`,
  bodyTooLarge: (limit: number) => `The request body is larger than the limit of ${limit} bytes.`,
  unsupportedMediaType: (type: string) => `Unsupported Content-Type '${type}': send application/json.`,
  checkTimedOut: (ms: number) => `No answer within ${ms} ms.`,
  internal: () => 'Internal server error. The details are in the server log.',
} as const;
