import { Type } from '@nestjs/common';
import { FUNCTION_TYPE_METADATA } from './runtime.constants';
import { FunctionTypeDefinition, FunctionTypeOptions, FunctionScope } from './interfaces/function-type.interface';
import { FunctionRegistrationError } from './exceptions/function-registration.exception';
import { RuntimeMessages } from './runtime.messages';
import { describeType, TypeSchema } from './schema/type-schema';
import { createInputParser, InputParser } from './schema/input-validator';

/** A function type as the runtime uses it: definition, schemas known at startup, input parser. */
export interface RegisteredFunctionType extends FunctionTypeDefinition {
  /** The plugin module that registered the type, for messages. */
  plugin: string;
  inputSchema: TypeSchema;
  outputSchema?: TypeSchema;
  streamSchema?: TypeSchema;
  parseInput: InputParser;
}

/** Stores the registered function types by their `_type` name. Knows every schema before any user exists. */
export class FunctionTypeRegistry {
  private readonly types = new Map<string, RegisteredFunctionType>();

  /** Registers the decorated class `target`, provided by `plugin`. Throws on an incomplete or duplicate type. */
  register(target: Type<object>, plugin: string): RegisteredFunctionType {
    const options: (FunctionTypeOptions & { scope: FunctionScope }) | undefined = Reflect.getMetadata(
      FUNCTION_TYPE_METADATA,
      target,
    );
    if (!options) throw new FunctionRegistrationError(RuntimeMessages.typeWithoutDecorator(target.name, plugin));
    const { name } = options;
    if (!name) throw new FunctionRegistrationError(RuntimeMessages.typeWithoutName(target.name));
    if (!options.input) throw new FunctionRegistrationError(RuntimeMessages.typeWithoutInput(name));
    if (!options.output && !options.streamOutput) {
      throw new FunctionRegistrationError(RuntimeMessages.typeWithoutOutput(name));
    }
    if (options.output && typeof target.prototype.invoke !== 'function') {
      throw new FunctionRegistrationError(RuntimeMessages.typeMissingMethod(name, 'invoke', 'output'));
    }
    if (options.streamOutput && typeof target.prototype.stream !== 'function') {
      throw new FunctionRegistrationError(RuntimeMessages.typeMissingMethod(name, 'stream', 'streamOutput'));
    }
    const existing = this.types.get(name);
    if (existing) {
      throw new FunctionRegistrationError(
        RuntimeMessages.typeRegisteredTwice(name, `${existing.target.name} (${existing.plugin})`, `${target.name} (${plugin})`),
      );
    }
    const registered: RegisteredFunctionType = {
      ...options,
      target,
      plugin,
      inputSchema: describeType(options.input),
      outputSchema: options.output && describeType(options.output),
      streamSchema: options.streamOutput && describeType(options.streamOutput),
      parseInput: createInputParser(name, options.input),
    };
    this.types.set(name, registered);
    return registered;
  }

  get(name: string): RegisteredFunctionType | undefined {
    return this.types.get(name);
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }

  all(): RegisteredFunctionType[] {
    return [...this.types.values()];
  }
}
