import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { InvalidInputError } from '../exceptions/invocation.exception';
import { createInputParser } from './input-validator';

class Flat {
  @IsString() action: string;
  @IsString() content: string = '';
}

class Inner {
  @IsInt() n: number;
}

class Nested {
  @ValidateNested() @Type(() => Inner) inner: Inner;
}

function fieldErrors(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.fieldErrors;
    throw error;
  }
  throw new Error('no InvalidInputError');
}

describe('input parser', () => {
  const flat = createInputParser('flat', Flat);
  const nested = createInputParser('nested', Nested);

  it('builds an instance of a flat class with its defaults applied', () => {
    const input = flat({ action: 'add' });
    expect(input).toBeInstanceOf(Flat);
    expect(input).toEqual(Object.assign(new Flat(), { action: 'add', content: '' }));
  });

  it('rejects unknown fields, and a __proto__ key without touching any prototype', () => {
    expect(fieldErrors(() => flat({ action: 'add', extra: 1 }))).toEqual([{ field: 'extra', errors: ['property extra should not exist'] }]);
    const hostile = JSON.parse('{"action":"add","__proto__":{"polluted":true}}');
    expect(fieldErrors(() => flat(hostile))).toEqual([{ field: '__proto__', errors: ['property __proto__ should not exist'] }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies onto an input class with an accessor as data, never through the accessor', () => {
    const assigned: string[] = [];
    class WithSetter {
      @IsString() action: string;
      set label(value: string) {
        assigned.push(value);
      }
    }
    const parse = createInputParser('setter', WithSetter);
    // Assigned, `label` would vanish into the setter and the input pass; defined, it is refused as an unknown field.
    expect(fieldErrors(() => parse({ action: 'add', label: 'x' }))).toEqual([{ field: 'label', errors: ['property label should not exist'] }]);
    expect(assigned).toEqual([]);
  });

  it('copies a flat input onto own writable properties, keys named like methods included', () => {
    class WithMethod {
      @IsString() action: string;
      describe(): string {
        return this.action;
      }
    }
    const parse = createInputParser('method', WithMethod);
    expect(fieldErrors(() => parse({ action: 'add', describe: 'x' }))).toEqual([{ field: 'describe', errors: ['property describe should not exist'] }]);
    const input = parse({ action: 'add' }) as WithMethod;
    expect(Object.getOwnPropertyDescriptor(input, 'action')).toEqual({ value: 'add', writable: true, enumerable: true, configurable: true });
    expect(input.describe()).toBe('add');
  });

  it('uses class-transformer for classes that need it (nested @Type)', () => {
    const input = nested({ inner: { n: 1 } }) as Nested;
    expect(input.inner).toBeInstanceOf(Inner);
    expect(fieldErrors(() => nested({ inner: { n: 'x' } }))).toEqual([{ field: 'inner.n', errors: ['n must be an integer number'] }]);
  });

  it('accepts primitives of the declared type only', () => {
    expect(createInputParser('s', String)('hi')).toBe('hi');
    expect(fieldErrors(() => createInputParser('s', String)(1))).toEqual([{ field: '', errors: ['must be a string'] }]);
    expect(createInputParser('any', Object)([1, 2])).toEqual([1, 2]);
  });
});
