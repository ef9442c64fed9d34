import 'reflect-metadata';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { ConfiguredFunction, DiscoveredFunction, FunctionHandle, Functions, FunctionTypeRegistry, PerUserFunction, UserscopeFunction } from '@userscope/runtime';
import { FunctionTools, toolParameters } from './function-tools';

class Address {
  @ApiProperty({ description: 'The city' }) @IsString() city: string;
}

class PersonInput {
  @ApiProperty({ description: 'Their name' }) @IsString() name: string;
  @ApiProperty({ description: 'Their age', required: false, default: 0 }) @IsInt() age: number = 0;
  @ApiProperty({ type: Address }) @ValidateNested() @Type(() => Address) address: Address;
}

@PerUserFunction({ name: 'people', description: 'Stores people.', input: PersonInput, output: Object })
class PeopleFunction implements UserscopeFunction<PersonInput, unknown> {
  invoke(input: PersonInput) {
    return { stored: input.name, city: input.address.city };
  }
}

@PerUserFunction({ name: 'shout', input: String, output: String })
class ShoutFunction implements UserscopeFunction<string, string> {
  invoke(input: string) {
    return input.toUpperCase();
  }
}

const registry = new FunctionTypeRegistry();
const people = registry.register(PeopleFunction, 'test');
const shout = registry.register(ShoutFunction, 'test');
const configured = (name: string, type: typeof people): ConfiguredFunction => ({ name, path: `functions.${name}`, type, config: {}, references: [] });

/** The `Functions` of one user, over plain instances. */
function functionsOf(fns: ConfiguredFunction[]): Functions {
  const handles = new Map(fns.map((fn) => [fn.name, new FunctionHandle(fn, new fn.type.target())]));
  return { get: (name: string) => handles.get(name)! } as unknown as Functions;
}

describe('FunctionTools', () => {
  const fns = [configured('people', people), configured('shout.loud', shout)];
  const tools = new FunctionTools(fns);
  const functions = functionsOf(fns);

  it("offers each function with its input schema, every $ref resolved, and its type's description", () => {
    expect(tools.definitions[0]).toEqual({
      type: 'function',
      function: {
        name: 'people',
        description: 'Stores people.',
        parameters: {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'Their name' },
            age: { type: 'number', description: 'Their age', default: 0 },
            address: { type: 'object', properties: { city: { type: 'string', description: 'The city' } }, required: ['city'] },
          },
          required: ['name', 'address'],
        },
      },
    });
  });

  it("wraps an input that is not an object as {input}, and names a tool as OpenAI allows ('.' becomes '_')", () => {
    expect(tools.definitions[1].function).toEqual({
      name: 'shout_loud',
      description: "The function 'shout.loud'.",
      parameters: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] },
    });
    expect(toolParameters(shout.inputSchema).wrapped).toBe(true);
  });

  it("runs a call with the function's input parsed, and answers with its output as JSON", async () => {
    const call = { id: 'c1', type: 'function' as const, function: { name: 'people', arguments: '{"name":"Ada","address":{"city":"London"}}' } };
    expect(await tools.run(call, functions)).toEqual({ role: 'tool', tool_call_id: 'c1', content: '{"stored":"Ada","city":"London"}' });
    const wrapped = { id: 'c2', type: 'function' as const, function: { name: 'shout_loud', arguments: '{"input":"hey"}' } };
    expect((await tools.run(wrapped, functions)).content).toBe('HEY');
  });

  it('answers a call it cannot run with the error, for the model to correct', async () => {
    const run = async (name: string, args: string) => JSON.parse((await tools.run({ id: 'c', type: 'function', function: { name, arguments: args } }, functions)).content);
    expect(await run('weather', '{}')).toEqual({ error: "There is no tool 'weather'. Tools: people, shout_loud." });
    expect((await run('people', '{not json')).error).toMatch(/^The arguments of 'people' are not valid JSON/);
    expect(await run('people', '{"name": 5}')).toEqual({
      error: "The arguments do not match the input schema of 'people'.",
      details: expect.arrayContaining([{ field: 'name', errors: ['name must be a string'] }]),
    });
  });
});

describe("FunctionTools with a discovered group's function (an MCP tool)", () => {
  // As the config loader makes one: its input is known only once the group lists its functions.
  const add: ConfiguredFunction = { ...configured('calc__add', people), type: { ...people, inputSchema: { schema: { description: 'Any JSON value' }, components: {} }, discovered: 'add' }, group: 'calc' };
  const listed: DiscoveredFunction[] = [{ name: 'add', description: 'Adds two numbers', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } }];

  it('passes the arguments the model sends for the schema the group found as they are, not as {input}', async () => {
    const received: unknown[] = [];
    const functions = {
      listDiscovered: async () => listed,
      get: () => ({ invoke: async (input: unknown) => (received.push(input), 5) }),
    } as unknown as Functions;
    const tools = new FunctionTools([add]);
    await tools.describeDiscovered(functions);
    expect(tools.definitions[0].function.parameters).toEqual(listed[0].inputSchema);
    await tools.run({ id: 'c', type: 'function', function: { name: 'calc__add', arguments: '{"a":2,"b":3}' } }, functions);
    expect(received).toEqual([{ a: 2, b: 3 }]);
  });
});
