/** Texts of the Responses API (`/v1/responses`). */
export const ResponsesMessages = {
  responseNotFound: (id: string) => `Response with id '${id}' not found.`,
  itemNotFound: (id: string) => `Item with id '${id}' not found: an item_reference names an item of one of your stored responses.`,
  storeUnavailable: (store: string, reason: string) => `The store of responses (${store}) is not answering: ${reason}. Try again shortly.`,
  storeAway: (store: string, reason: string) => `The store of responses (${store}) does not answer (${reason})`,
  storeDown: (setting: string, url: string, reason: string) =>
    `${setting}: Redis at ${url}, where POST /v1/responses keeps stored responses, does not answer: ${reason}`,
  unsupportedItem: (type: string) =>
    `items of type '${type}' are not supported: send messages, function_call, function_call_output or item_reference items`,
  unsupportedPart: (type: string) => `content parts of type '${type}' are not supported: the LLMs of this server take text only (input_text, output_text)`,
  unsupportedTool: (type: string) => `tools of type '${type}' are not supported: only function tools ({type: 'function', name, parameters})`,
  unsupportedField: (field: string, why: string) => `${field} is not supported: ${why}`,
} as const;
