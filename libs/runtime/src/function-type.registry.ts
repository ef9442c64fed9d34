import { Type } from '@nestjs/common';
import { FUNCTION_GROUP_METADATA, FUNCTION_TYPE_METADATA, GROUP_FUNCTION_SEPARATOR, GROUP_FUNCTIONS_METADATA } from './runtime.constants';
import { FunctionGroupDefinition, FunctionGroupOptions, GroupFunctionDefinition } from './interfaces/function-group.interface';
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
  /** For a function of a group: the group class's method that implements it. */
  member?: { method: string; kind: 'invoke' | 'stream' };
  /** For a function of a discovered group: its name in the group, which `invokeFunction` takes. */
  discovered?: string;
}

/** A function group type: its definition and a registered type per function it can expose. */
export interface RegisteredFunctionGroupType extends Omit<FunctionGroupDefinition, 'functions'> {
  plugin: string;
  functions: Map<string, RegisteredFunctionType>;
}

/** Stores the registered function types by their `_type` name. Knows every schema before any user exists. */
export class FunctionTypeRegistry {
  private readonly types = new Map<string, RegisteredFunctionType>();
  private readonly groups = new Map<string, RegisteredFunctionGroupType>();

  /** Registers a function type or a function group type, whichever `target` is decorated as. */
  registerAny(target: Type<object>, plugin: string): void {
    if (Reflect.hasMetadata(FUNCTION_GROUP_METADATA, target)) this.registerGroup(target, plugin);
    else this.register(target, plugin);
  }

  /** Registers the function type `target`, provided by `plugin`. Throws on an incomplete or duplicate type. */
  register(target: Type<object>, plugin: string): RegisteredFunctionType {
    const options: (FunctionTypeOptions & { scope: FunctionScope }) | undefined = Reflect.getMetadata(
      FUNCTION_TYPE_METADATA,
      target,
    );
    if (!options) throw new FunctionRegistrationError(RuntimeMessages.typeWithoutDecorator(target.name, plugin));
    const registered = describeFunction(target, plugin, options);
    const { name } = registered;
    const existing = this.types.get(name);
    if (existing) {
      throw new FunctionRegistrationError(
        RuntimeMessages.typeRegisteredTwice(name, `${existing.target.name} (${existing.plugin})`, `${target.name} (${plugin})`),
      );
    }
    this.types.set(name, registered);
    return registered;
  }

  /** Registers the function group type `target`, provided by `plugin`. */
  registerGroup(target: Type<object>, plugin: string): RegisteredFunctionGroupType {
    const options: FunctionGroupOptions & { scope: FunctionScope } = Reflect.getMetadata(FUNCTION_GROUP_METADATA, target);
    if (!options.name) throw new FunctionRegistrationError(RuntimeMessages.typeWithoutName(target.name));
    const members: GroupFunctionDefinition[] = Reflect.getMetadata(GROUP_FUNCTIONS_METADATA, target) ?? [];
    if (options.discovered) return this.addGroup({ ...options, target, plugin, functions: new Map() }, () => checkDiscoveredGroup(target, options.name));
    if (members.length === 0) throw new FunctionRegistrationError(RuntimeMessages.groupWithoutFunctions(options.name));
    const functions = new Map<string, RegisteredFunctionType>();
    for (const member of members) {
      if (functions.has(member.name)) throw new FunctionRegistrationError(RuntimeMessages.groupFunctionTwice(options.name, member.name));
      if (member.output && member.streamOutput) {
        throw new FunctionRegistrationError(RuntimeMessages.groupFunctionBothOutputs(options.name, member.name));
      }
      const registered = describeFunction(target, plugin, {
        ...member,
        name: `${options.name}${GROUP_FUNCTION_SEPARATOR}${member.name}`,
        scope: options.scope,
      }, false);
      registered.member = { method: member.method, kind: member.output ? 'invoke' : 'stream' };
      functions.set(member.name, registered);
    }
    return this.addGroup({ ...options, target, plugin, functions });
  }

  private addGroup(registered: RegisteredFunctionGroupType, check?: () => void): RegisteredFunctionGroupType {
    check?.();
    const existing = this.groups.get(registered.name);
    if (existing) {
      throw new FunctionRegistrationError(
        RuntimeMessages.typeRegisteredTwice(registered.name, `${existing.target.name} (${existing.plugin})`, `${registered.target.name} (${registered.plugin})`),
      );
    }
    this.groups.set(registered.name, registered);
    return registered;
  }

  getGroup(name: string): RegisteredFunctionGroupType | undefined {
    return this.groups.get(name);
  }

  groupNames(): string[] {
    return [...this.groups.keys()].sort();
  }

  get(name: string): RegisteredFunctionType | undefined {
    return this.types.get(name);
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }
}

/**
 * The function `member` of the discovered group type `group`, as a type: any JSON object in (the
 * group checks it against the schema it finds), any JSON out, called through `invokeFunction`.
 */
export function discoveredFunctionType(group: RegisteredFunctionGroupType, member: string): RegisteredFunctionType {
  const name = `${group.name}${GROUP_FUNCTION_SEPARATOR}${member}`;
  return {
    ...describeFunction(group.target, group.plugin, { name, input: Object, output: Object, scope: group.scope, description: group.description }, false),
    discovered: member,
  };
}

function checkDiscoveredGroup(target: Type<object>, name: string): void {
  for (const method of ['invokeFunction', 'listFunctions']) {
    if (typeof target.prototype[method] !== 'function') throw new FunctionRegistrationError(RuntimeMessages.discoveredGroupMissingMethod(name, method));
  }
}

/** Checks a function's declaration and computes its schemas and input parser. */
function describeFunction(
  target: Type<object>,
  plugin: string,
  options: FunctionTypeOptions & { scope: FunctionScope },
  checkMethods = true,
): RegisteredFunctionType {
  const { name } = options;
  if (!name) throw new FunctionRegistrationError(RuntimeMessages.typeWithoutName(target.name));
  if (!options.input) throw new FunctionRegistrationError(RuntimeMessages.typeWithoutInput(name));
  if (!options.output && !options.streamOutput) {
    throw new FunctionRegistrationError(RuntimeMessages.typeWithoutOutput(name));
  }
  if (checkMethods && options.output && typeof target.prototype.invoke !== 'function') {
    throw new FunctionRegistrationError(RuntimeMessages.typeMissingMethod(name, 'invoke', 'output'));
  }
  if (checkMethods && options.streamOutput && typeof target.prototype.stream !== 'function') {
    throw new FunctionRegistrationError(RuntimeMessages.typeMissingMethod(name, 'stream', 'streamOutput'));
  }
  return {
    ...options,
    target,
    plugin,
    inputSchema: describeType(options.input),
    outputSchema: options.output && describeType(options.output),
    streamSchema: options.streamOutput && describeType(options.streamOutput),
    parseInput: createInputParser(name, options.input),
  };
}
