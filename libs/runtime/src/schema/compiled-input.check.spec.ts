import { Allow, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, MinLength, registerDecorator, validateSync, ValidateIf } from 'class-validator';
import { compileInputCheck } from './compiled-input.check';
import { createInputParser } from './input-validator';
import { InvalidInputError } from '../exceptions/invocation.exception';

class Command {
  @IsString() command: string;
  @IsString() action: string = '';
  @IsOptional() @IsInt() count?: number;
  @IsOptional() @IsBoolean() verbose?: boolean;
  @IsOptional() @IsNumber() ratio?: number;
  @IsOptional() @IsIn(['dark', 'light']) theme?: string;
  @Allow() anything?: unknown;
}

/** A user's own rule that takes the name of a built-in one but means something else. */
function IsStringOrNumber(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isString',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate: (value: unknown) => typeof value === 'string' || typeof value === 'number' },
    });
}

class Impostor {
  @IsStringOrNumber() value: unknown;
}

class WithMinLength {
  @IsString() @MinLength(3) name: string;
}

class WithValidateIf {
  @ValidateIf((object: { on?: boolean }) => object.on === true) @IsString() name?: string;
  @IsOptional() @IsBoolean() on?: boolean;
}

class WithGroups {
  @IsString({ groups: ['admin'] }) name: string;
}

class Undecorated {
  name = '';
}

const instance = (values: Record<string, unknown>) => Object.assign(new Command(), values);
const passesClassValidator = (object: object) =>
  validateSync(object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).length === 0;

describe('compiled input check', () => {
  const check = compileInputCheck(Command)!;

  it('compiles the rules it can express exactly', () => {
    expect(check).toBeInstanceOf(Function);
  });

  it('says yes only to what class-validator accepts', () => {
    const inputs: Record<string, unknown>[] = [
      { command: 'note' },
      { command: 'note', action: 'add', count: 2, verbose: true, ratio: 0.5, theme: 'dark', anything: { x: [1] } },
      { command: 'note', count: null, theme: null },
      { command: 1 },
      { command: 'note', action: null },
      { command: 'note', count: 1.5 },
      { command: 'note', count: '1' },
      { command: 'note', verbose: 'true' },
      { command: 'note', ratio: '0.5' },
      { command: 'note', theme: 'blue' },
      { command: 'note', extra: 1 },
      { action: 'add' },
    ];
    for (const values of inputs) {
      const object = instance(values);
      expect({ values, compiled: check(object) }).toEqual({ values, compiled: passesClassValidator(object) });
    }
  });

  it('gives up on rules it cannot express, and on options that change when a rule applies', () => {
    expect(compileInputCheck(WithMinLength)).toBeUndefined();
    expect(compileInputCheck(WithValidateIf)).toBeUndefined();
    expect(compileInputCheck(WithGroups)).toBeUndefined();
    expect(compileInputCheck(Undecorated)).toBeUndefined();
  });

  it("gives up on a custom rule that takes a built-in's name, since it answers otherwise", () => {
    expect(compileInputCheck(Impostor)).toBeUndefined();
    const parse = createInputParser('impostor', Impostor);
    expect(parse({ value: 1 })).toEqual(Object.assign(new Impostor(), { value: 1 }));
  });

  it("leaves the errors to class-validator: the parser's 400 lists its messages", () => {
    const parse = createInputParser('command', Command);
    try {
      parse({ command: 1, count: 1.5, extra: true });
      throw new Error('no InvalidInputError');
    } catch (error) {
      expect((error as InvalidInputError).fieldErrors).toEqual([
        { field: 'extra', errors: ['property extra should not exist'] },
        { field: 'command', errors: ['command must be a string'] },
        { field: 'count', errors: ['count must be an integer number'] },
      ]);
    }
  });
});
