/** Error texts of the chat routes. */
export const ChatMessages = {
  notAChatWorkflow: (type: string) =>
    `The workflow '${type}' does not take chat requests: /chat, /chat/stream and /v1/chat/completions need a workflow ` +
    `whose input is a chat request and whose output a chat response (such as per_user_chat_agent). Call POST /generate ` +
    `with the workflow's own input instead (its schema is in /openapi.json).`,
  noOpenAiRoute: (method: string, path: string) => `No route ${method} ${path}. The OpenAI routes are listed in /openapi.json (tag chat).`,
  methodNotAllowed: (method: string, path: string, allowed: string[]) => `${path} does not take ${method}; it takes ${allowed.join(', ')}.`,
  modelNotFound: (model: string, served: string) => `The model '${model}' does not exist: this server serves one model, '${served}'.`,
  invalidField: (param: string, reasons: string[]) => `Invalid '${param}': ${reasons.join('; ')}.`,
} as const;
