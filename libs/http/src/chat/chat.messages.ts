/** Error texts of the chat routes. */
export const ChatMessages = {
  notAChatWorkflow: (type: string) =>
    `The workflow '${type}' does not take chat requests: /chat, /chat/stream and /v1/chat/completions need a workflow ` +
    `whose input is a chat request and whose output a chat response (such as per_user_chat_agent). Call POST /generate ` +
    `with the workflow's own input instead (its schema is in /openapi.json).`,
} as const;
