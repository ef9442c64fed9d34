import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { LlmRequestError, StructuredOutputError } from './exceptions/llm.exception';
import { LlmChatRequest, LlmChatResult, LlmMessage, LlmUsage } from './interfaces/llm.interface';
import { LlmMessages } from './llm.messages';

/** A call that wants JSON matching `schema` back. */
export interface StructuredRequest extends Omit<LlmChatRequest, 'responseFormat' | 'tools' | 'toolChoice'> {
  /** A JSON schema (draft 2020-12 or 07) of the value wanted. */
  schema: Record<string, unknown>;
  /** The schema's name, as `response_format.json_schema.name` gives it to the server. */
  schemaName?: string;
}

export interface StructuredResult<T> {
  /** The parsed reply, valid against the schema. */
  value: T;
  /** The model's reply as it sent it. */
  raw: string;
  /** Tokens of every call it took (a retry included). */
  usage: LlmUsage;
  /** How the JSON was asked for. */
  mode: 'json_schema' | 'instructions';
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new WeakMap<object, ValidateFunction>();

/**
 * Asks a model for JSON matching a schema: with `response_format: json_schema` where the server has
 * it, otherwise with an instruction in the prompt; either way the reply is parsed and validated, and
 * an invalid one gets one retry that tells the model what was wrong. In `auto` mode, a server that
 * refuses `response_format` (400/422) is asked with instructions from then on.
 */
export class StructuredOutput {
  private jsonSchemaRefused = false;

  constructor(
    private readonly llm: string,
    private readonly mode: 'auto' | 'json_schema' | 'instructions',
    private readonly chat: (request: LlmChatRequest) => Promise<LlmChatResult>,
  ) {}

  async request<T>(request: StructuredRequest): Promise<StructuredResult<T>> {
    const { schema, schemaName, ...call } = request;
    const validate = validatorFor(schema);
    let first: { result: LlmChatResult; mode: StructuredResult<T>['mode']; messages: LlmMessage[] };
    try {
      first = await this.ask(call, schema, schemaName ?? 'reply', this.useJsonSchema());
    } catch (error) {
      if (!(this.mode === 'auto' && isResponseFormatRefusal(error))) throw error;
      this.jsonSchemaRefused = true;
      first = await this.ask(call, schema, schemaName ?? 'reply', false);
    }
    const usage = { ...first.result.usage };
    const raw = first.result.message.content ?? '';
    const checked = check<T>(raw, validate);
    if (checked.ok) return { value: checked.value, raw, usage, mode: first.mode };

    // One retry, with the reply and what was wrong with it, so the model can correct itself.
    const retryMessages: LlmMessage[] = [
      ...first.messages,
      { role: 'assistant', content: raw },
      { role: 'user', content: LlmMessages.structuredCorrection(checked.problems.join('; ')) },
    ];
    const second = await this.chat({ ...call, messages: retryMessages, ...(first.mode === 'json_schema' ? { responseFormat: format(schema, schemaName ?? 'reply') } : {}) });
    addUsage(usage, second.usage);
    const retryRaw = second.message.content ?? '';
    const rechecked = check<T>(retryRaw, validate);
    if (rechecked.ok) return { value: rechecked.value, raw: retryRaw, usage, mode: first.mode };
    throw new StructuredOutputError(this.llm, retryRaw, rechecked.problems);
  }

  private useJsonSchema(): boolean {
    return this.mode !== 'instructions' && !this.jsonSchemaRefused;
  }

  private async ask(call: Omit<LlmChatRequest, 'responseFormat'>, schema: Record<string, unknown>, name: string, jsonSchema: boolean) {
    const messages: LlmMessage[] = jsonSchema
      ? call.messages
      : [{ role: 'system', content: LlmMessages.structuredInstruction(JSON.stringify(schema)) }, ...call.messages];
    const result = await this.chat({ ...call, messages, ...(jsonSchema ? { responseFormat: format(schema, name) } : {}) });
    return { result, mode: jsonSchema ? ('json_schema' as const) : ('instructions' as const), messages };
  }
}

function format(schema: Record<string, unknown>, name: string): NonNullable<LlmChatRequest['responseFormat']> {
  return { type: 'json_schema', json_schema: { name, schema, strict: false } };
}

/**
 * A reply checked the way `StructuredOutput` checks one: parsed (a code fence around it tolerated)
 * and validated against `schema`; the value, or what was wrong with it.
 */
export function checkStructuredReply<T = unknown>(raw: string, schema: Record<string, unknown>): { ok: true; value: T } | { ok: false; problems: string[] } {
  return check<T>(raw, validatorFor(schema));
}

/** Why `schema` cannot be used to validate replies (it is not a JSON schema ajv compiles), or undefined. */
export function schemaProblem(schema: Record<string, unknown>): string | undefined {
  try {
    validatorFor(schema);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** The reply parsed (a code fence around it is tolerated) and validated, or what was wrong with it. */
function check<T>(raw: string, validate: ValidateFunction): { ok: true; value: T } | { ok: false; problems: string[] } {
  const text = raw.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [LlmMessages.structuredNotJson((error as Error).message)] };
  }
  if (validate(value)) return { ok: true, value: value as T };
  return { ok: false, problems: (validate.errors ?? []).map(describeViolation) };
}

function describeViolation(error: ErrorObject): string {
  return `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`;
}

function isResponseFormatRefusal(error: unknown): boolean {
  return error instanceof LlmRequestError && (error.status === 400 || error.status === 422);
}

function addUsage(total: LlmUsage, more: LlmUsage): void {
  total.prompt_tokens += more.prompt_tokens;
  total.completion_tokens += more.completion_tokens;
  total.total_tokens += more.total_tokens;
}
