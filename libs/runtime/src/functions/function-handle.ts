import { RuntimeMessages } from '../runtime.messages';
import { ConfiguredFunction } from '../config/userscope-config.interface';
import { UserscopeFunction } from '../interfaces/userscope-function.interface';

/**
 * A configured function bound to one instance: the user's own for a per-user function, the single
 * one for a shared function. What `functions.get(name)` returns — NAT's `builder.get_function(name)`.
 */
export class FunctionHandle<I = any, O = any> {
  readonly instance: UserscopeFunction<I, O>;

  /** `provider` is the function's instance, or for a function of a group, the group's instance. */
  constructor(
    readonly fn: ConfiguredFunction,
    provider: object,
  ) {
    this.instance = bindMember(fn, provider) as UserscopeFunction<I, O>;
  }

  get name(): string {
    return this.fn.name;
  }

  get isPerUser(): boolean {
    return this.fn.type.scope === 'per-user';
  }

  /** Validates `input` against the function's input schema (defaults applied) and calls it. */
  async invoke(input: I | Record<string, unknown>): Promise<O> {
    return this.invokeParsed(this.parse(input));
  }

  /** Streams the function's output; a function with only a single output yields it once. */
  stream(input: I | Record<string, unknown>): AsyncIterable<O> {
    return this.streamParsed(this.parse(input));
  }

  /** Streams with an already parsed input. */
  async *streamParsed(input: I): AsyncIterable<O> {
    if (this.instance.stream) yield* this.instance.stream(input);
    else yield await this.invokeParsed(input);
  }

  /** Converts a JSON value to the input type; throws InvalidInputError with the field errors. */
  parse(input: unknown): I {
    return this.fn.type.parseInput(input) as I;
  }

  /** Calls the function with an already parsed input. A stream-only function returns its collected chunks. */
  async invokeParsed(input: I): Promise<O> {
    if (this.instance.invoke) return this.instance.invoke(input);
    if (!this.instance.stream) throw new Error(RuntimeMessages.noSingleOutput(this.name));
    const chunks: unknown[] = [];
    for await (const chunk of this.instance.stream(input)) chunks.push(chunk);
    return (chunks.every((c) => typeof c === 'string') ? chunks.join('') : chunks) as O;
  }
}

/** A group's method seen as a function: `invoke` or `stream` bound to the group instance. */
function bindMember(fn: ConfiguredFunction, provider: object): UserscopeFunction {
  const member = fn.type.member;
  if (!member) return provider as UserscopeFunction;
  const method = (provider as Record<string, (input: unknown) => any>)[member.method].bind(provider);
  return member.kind === 'invoke' ? { invoke: method } : { stream: method };
}
