import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString } from 'class-validator';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { PerUserFunction, SharedFunction } from './decorators/function-type.decorator';
import { UserscopePlugin } from './decorators/userscope-plugin.decorator';
import { FunctionRegistrationError } from './exceptions/function-registration.exception';
import { InvalidInputError } from './exceptions/invocation.exception';
import { FunctionTypeRegistry } from './function-type.registry';
import { pluginFunctionTypes, scanPlugins } from './plugin.scanner';
import { inlineSchema } from './schema/type-schema';

class EchoInput {
  @ApiProperty({ description: 'What to echo' })
  @IsString()
  text: string;

  @ApiProperty({ description: 'How many times', default: 1, required: false })
  @IsInt()
  times: number = 1;
}

class EchoOutput {
  @ApiProperty({ description: 'The echoed text' })
  text: string;
}

/** The error `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

describe('FunctionTypeRegistry', () => {
  let registry: FunctionTypeRegistry;

  beforeEach(() => {
    registry = new FunctionTypeRegistry();
  });

  describe('registers a complete type', () => {
    @PerUserFunction({ name: 'echo', description: 'Echoes.', input: EchoInput, output: EchoOutput })
    class Echo {
      invoke(input: EchoInput): EchoOutput {
        return { text: input.text };
      }
    }

    @SharedFunction({ name: 'ticker', input: Number, streamOutput: Number })
    class Ticker {
      async *stream(count: number): AsyncIterable<number> {
        for (let i = 0; i < count; i++) yield i;
      }
    }

    it('per-user, with its options, class, plugin and schemas', () => {
      registry.register(Echo, 'EchoPlugin');
      const registered = registry.get('echo')!;
      expect(registered).toMatchObject({
        name: 'echo',
        description: 'Echoes.',
        scope: 'per-user',
        target: Echo,
        plugin: 'EchoPlugin',
        input: EchoInput,
        output: EchoOutput,
      });
      expect(registered.outputSchema).toBeDefined();
      expect(registered.streamSchema).toBeUndefined();
    });

    it('shared, with a streaming output only', () => {
      registry.register(Ticker, 'TickerPlugin');
      const registered = registry.get('ticker')!;
      expect(registered).toMatchObject({ name: 'ticker', scope: 'shared', target: Ticker });
      expect(registered.outputSchema).toBeUndefined();
      expect(registered.streamSchema?.schema).toEqual({ type: 'number' });
    });

    it('lists names sorted, and knows nothing it was not given', () => {
      registry.register(Ticker, 'P');
      registry.register(Echo, 'P');
      expect(registry.names()).toEqual(['echo', 'ticker']);
      expect(registry.names().map((name) => registry.get(name)!.target)).toEqual([Echo, Ticker]);
      expect(registry.get('nope')).toBeUndefined();
    });
  });

  describe('refuses an incomplete type, saying what is missing', () => {
    it('a class without @PerUserFunction()/@SharedFunction()', () => {
      class Plain {
        invoke() {}
      }
      const error = thrown(() => registry.register(Plain, 'MyPlugin'));
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      expect(error.message).toMatch(/^Plain is listed in the functions of plugin MyPlugin but has no @PerUserFunction\(\)(,| or) @SharedFunction\(\)/);
    });

    it('a type without a name', () => {
      @PerUserFunction({ name: '', input: String, output: String })
      class Nameless {
        invoke() {}
      }
      const error = thrown(() => registry.register(Nameless, 'P'));
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      expect(error.message).toContain("Nameless: the function type needs a non-empty 'name'");
    });

    it('a type without input', () => {
      @PerUserFunction({ name: 'no_input', output: String } as never)
      class NoInput {
        invoke() {}
      }
      const error = thrown(() => registry.register(NoInput, 'P'));
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      expect(error.message).toBe("Function type 'no_input' declares no 'input' schema; every function type needs one.");
    });

    it('a type without any output', () => {
      @PerUserFunction({ name: 'no_output', input: String })
      class NoOutput {
        invoke() {}
      }
      const error = thrown(() => registry.register(NoOutput, 'P'));
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      expect(error.message).toBe("Function type 'no_output' declares neither 'output' nor 'streamOutput'; it needs at least one.");
    });

    it('a type with output but no invoke() method', () => {
      @PerUserFunction({ name: 'no_invoke', input: String, output: String })
      class NoInvoke {
        stream() {}
      }
      const error = thrown(() => registry.register(NoInvoke, 'P'));
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      expect(error.message).toBe("Function type 'no_invoke' declares 'output' but its class has no invoke() method.");
    });

    it('a type with streamOutput but no stream() method', () => {
      @SharedFunction({ name: 'no_stream', input: String, streamOutput: String })
      class NoStream {
        invoke() {}
      }
      const error = thrown(() => registry.register(NoStream, 'P'));
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      expect(error.message).toBe("Function type 'no_stream' declares 'streamOutput' but its class has no stream() method.");
    });

    it('a type with both outputs needs both methods', () => {
      @PerUserFunction({ name: 'half', input: String, output: String, streamOutput: String })
      class Half {
        invoke() {}
      }
      expect(thrown(() => registry.register(Half, 'P')).message).toContain('has no stream() method');
    });

    it('a name registered twice, naming both classes and plugins', () => {
      @PerUserFunction({ name: 'counter', input: String, output: String })
      class FirstCounter {
        invoke() {}
      }
      @SharedFunction({ name: 'counter', input: String, output: String })
      class SecondCounter {
        invoke() {}
      }
      registry.register(FirstCounter, 'AlphaPlugin');
      const error = thrown(() => registry.register(SecondCounter, 'BetaPlugin'));
      expect(error).toBeInstanceOf(FunctionRegistrationError);
      expect(error.message).toBe(
        "Function type 'counter' is registered twice: by FirstCounter (AlphaPlugin) and by SecondCounter (BetaPlugin). Type names must be unique.",
      );
      expect(registry.get('counter')?.target).toBe(FirstCounter);
    });

    it('keeps nothing of a refused type', () => {
      @PerUserFunction({ name: 'broken', input: String, output: String })
      class Broken {}
      expect(() => registry.register(Broken, 'P')).toThrow(FunctionRegistrationError);
      expect(registry.names()).toEqual([]);
    });
  });

  describe('primitive input and output types', () => {
    it.each<[StringConstructor | NumberConstructor | BooleanConstructor, string]>([
      [String, 'string'],
      [Number, 'number'],
      [Boolean, 'boolean'],
    ])('%p has the schema { type: %p } as input and as output', (primitive, type) => {
      @PerUserFunction({ name: `plain_${type}`, input: primitive, output: primitive })
      class Plain {
        invoke(value: unknown) {
          return value;
        }
      }
      registry.register(Plain, 'P');
      const registered = registry.get(`plain_${type}`)!;
      expect(registered.inputSchema).toEqual({ schema: { type }, components: {} });
      expect(registered.outputSchema).toEqual({ schema: { type }, components: {} });
      expect(inlineSchema(registered.inputSchema)).toEqual({ type });
    });

    it.each<[StringConstructor | NumberConstructor | BooleanConstructor, unknown, unknown[]]>([
      [String, 'hello', [1, true, null, undefined, {}, ['a']]],
      [String, '', [0]],
      [Number, 42, ['42', true, null, {}, [1]]],
      [Number, 0, ['']],
      [Boolean, true, ['true', 1, 0, null, {}]],
      [Boolean, false, ['false']],
    ])('the %p input parser accepts %p and rejects %p with InvalidInputError', (primitive, good, bad) => {
      const name = `parse_${primitive.name}`;
      @PerUserFunction({ name, input: primitive, output: String })
      class Plain {
        invoke() {}
      }
      registry.register(Plain, 'P');
      const { parseInput } = registry.get(name)!;
      expect(parseInput(good)).toBe(good);
      for (const value of bad) {
        const error = thrown(() => parseInput(value));
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).body).toEqual({
          code: 'invalid_input',
          message: `The input does not match the input schema of '${name}'.`,
          details: [{ field: '', errors: [`must be a ${primitive.name.toLowerCase()}`] }],
        });
      }
    });
  });

  describe('the input parser of a class input', () => {
    @PerUserFunction({ name: 'echo_parse', input: EchoInput, output: EchoOutput })
    class Echo {
      invoke() {}
    }

    const parseInput = (value: unknown) => {
      registry.register(Echo, 'P');
      return registry.get('echo_parse')!.parseInput(value);
    };

    it('applies defaults and returns an instance of the input class', () => {
      const input = parseInput({ text: 'hi' });
      expect(input).toBeInstanceOf(EchoInput);
      expect(input).toEqual(Object.assign(new EchoInput(), { text: 'hi', times: 1 }));
    });

    it.each<[string, unknown, { field: string; errors: string[] }[]]>([
      ['a missing required field', {}, [{ field: 'text', errors: ['text must be a string'] }]],
      ['a wrong type', { text: 1 }, [{ field: 'text', errors: ['text must be a string'] }]],
      ['an unknown field', { text: 'hi', colour: 'red' }, [{ field: 'colour', errors: ['property colour should not exist'] }]],
      ['a non-object', 'hi', [{ field: '', errors: ['must be a JSON object'] }]],
      ['an array', [{ text: 'hi' }], [{ field: '', errors: ['must be a JSON object'] }]],
      ['null', null, [{ field: '', errors: ['must be a JSON object'] }]],
    ])('rejects %s with the field errors', (_, value, fieldErrors) => {
      const error = thrown(() => parseInput(value));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).fieldErrors).toEqual(fieldErrors);
    });
  });
});

describe('scanPlugins', () => {
  it('registers every function type of the example plugin under the plugin’s name', () => {
    const registry = scanPlugins([PerUserWorkflowExampleModule]);
    expect(registry.names()).toEqual(['per_user_assistant', 'per_user_notepad', 'per_user_preferences']);
    expect(registry.names().map((name) => [registry.get(name)!.plugin, registry.get(name)!.scope])).toEqual([
      ['PerUserWorkflowExampleModule', 'per-user'],
      ['PerUserWorkflowExampleModule', 'per-user'],
      ['PerUserWorkflowExampleModule', 'per-user'],
    ]);
    expect(pluginFunctionTypes(PerUserWorkflowExampleModule).map((type) => type.name)).toEqual([
      'NotepadFunction',
      'PreferencesFunction',
      'AssistantFunction',
    ]);
  });

  it('adds to a registry it is given', () => {
    const registry = new FunctionTypeRegistry();
    expect(scanPlugins([PerUserWorkflowExampleModule], registry)).toBe(registry);
    expect(registry.names()).toHaveLength(3);
  });

  it('refuses a module without @UserscopePlugin()', () => {
    @Module({})
    class NotAPlugin {}
    const error = thrown(() => scanPlugins([NotAPlugin]));
    expect(error).toBeInstanceOf(FunctionRegistrationError);
    expect(error.message).toBe('Plugin NotAPlugin has no @UserscopePlugin({ functions: [...] }) decorator; it provides no function types.');
    expect(pluginFunctionTypes(NotAPlugin)).toEqual([]);
  });

  it('refuses the same plugin twice, naming the type and the plugin', () => {
    expect(() => scanPlugins([PerUserWorkflowExampleModule, PerUserWorkflowExampleModule])).toThrow(
      "Function type 'per_user_notepad' is registered twice: by NotepadFunction (PerUserWorkflowExampleModule) and by NotepadFunction (PerUserWorkflowExampleModule).",
    );
  });

  it('refuses a plugin listing an undecorated class, naming the class and the plugin', () => {
    class Helper {}
    @UserscopePlugin({ functions: [Helper] })
    @Module({})
    class HelperPlugin {}
    expect(() => scanPlugins([HelperPlugin])).toThrow(/^Helper is listed in the functions of plugin HelperPlugin but has no @PerUserFunction\(\)/);
  });
});

describe('schemas of the example types, known at startup', () => {
  const registry = scanPlugins([PerUserWorkflowExampleModule]);
  const input = (type: string) => inlineSchema(registry.get(type)!.inputSchema);
  const output = (type: string) => inlineSchema(registry.get(type)!.outputSchema!);

  it('per_user_notepad input: action (required), content = ""', () => {
    expect(input('per_user_notepad')).toEqual({
      type: 'object',
      properties: {
        action: { type: 'string', description: "Action to perform: 'add', 'list', 'clear', or 'count'" },
        content: { type: 'string', description: "Note content (for 'add' action)", default: '' },
      },
      required: ['action'],
    });
  });

  it('per_user_notepad output: success, message, notes = [], count = 0', () => {
    const schema = output('per_user_notepad');
    expect(Object.keys(schema.properties!)).toEqual(['success', 'message', 'notes', 'count']);
    expect(schema.properties).toMatchObject({
      success: { type: 'boolean' },
      message: { type: 'string' },
      notes: { type: 'array', items: { type: 'string' }, default: [] },
      count: { type: 'number', default: 0 },
    });
  });

  it('per_user_preferences input: action (required), key = "", value = ""', () => {
    expect(input('per_user_preferences')).toEqual({
      type: 'object',
      properties: {
        action: { type: 'string', description: "Action to perform: 'set', 'get', or 'list'" },
        key: { type: 'string', description: 'Preference key', default: '' },
        value: { type: 'string', description: "Preference value (for 'set' action)", default: '' },
      },
      required: ['action'],
    });
  });

  it('per_user_preferences output: success, message, value = "", preferences = {} (string values)', () => {
    const schema = output('per_user_preferences');
    expect(Object.keys(schema.properties!)).toEqual(['success', 'message', 'value', 'preferences']);
    expect(schema.properties).toMatchObject({
      value: { type: 'string', default: '' },
      preferences: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
    });
  });

  it('per_user_assistant input: command (required), action, param1, param2 = ""', () => {
    expect(input('per_user_assistant')).toEqual({
      type: 'object',
      properties: {
        command: { type: 'string', description: "Command to execute: 'note', 'pref', 'stats', or 'help'" },
        action: { type: 'string', description: 'Action for the command', default: '' },
        param1: { type: 'string', description: 'First parameter (key/content)', default: '' },
        param2: { type: 'string', description: 'Second parameter (value)', default: '' },
      },
      required: ['command'],
    });
  });

  it('per_user_assistant output: success, message, data = {}', () => {
    const schema = output('per_user_assistant');
    expect(Object.keys(schema.properties!)).toEqual(['success', 'message', 'data']);
    expect(schema.properties!.data).toMatchObject({ type: 'object', default: {} });
  });

  it('the schema is a $ref to a named component, without any instance built', () => {
    const { inputSchema } = registry.get('per_user_notepad')!;
    expect(inputSchema.schema).toEqual({ $ref: '#/components/schemas/NoteInput' });
    expect(Object.keys(inputSchema.components)).toEqual(['NoteInput']);
  });

  it('the example input parsers apply the defaults and reject a missing required field', () => {
    expect({ ...(registry.get('per_user_notepad')!.parseInput({ action: 'list' }) as object) }).toEqual({
      action: 'list',
      content: '',
    });
    expect({ ...(registry.get('per_user_assistant')!.parseInput({ command: 'help' }) as object) }).toEqual({
      command: 'help',
      action: '',
      param1: '',
      param2: '',
    });
    expect(() => registry.get('per_user_preferences')!.parseInput({ key: 'theme' })).toThrow(InvalidInputError);
  });
});
