import Ajv, { ValidateFunction } from 'ajv';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import { Type } from '@nestjs/common';

/** Whether an input instance certainly passes class-validator; false says nothing (ask class-validator). */
export type CompiledInputCheck = (instance: object) => boolean;

type JsonSchema = Record<string, unknown>;
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** class-validator's rules that have an exact JSON Schema over JSON values, by the rule's name. */
const RULES: Record<string, (constraints: unknown[] | undefined) => JsonSchema | undefined> = {
  isString: () => ({ type: 'string' }),
  isBoolean: () => ({ type: 'boolean' }),
  isInt: () => ({ type: 'integer' }),
  // Only without options: maxDecimalPlaces, allowNaN and allowInfinity have no JSON Schema of their own.
  isNumber: (constraints) => (isEmptyOptions(constraints?.[0]) ? { type: 'number' } : undefined),
  isIn: (constraints) => {
    const allowed = constraints?.[0];
    return Array.isArray(allowed) && allowed.every(isPrimitive) ? { enum: allowed } : undefined;
  },
};

/** Values every rule is tried on, with class-validator's own validator, before its schema is trusted. */
const PROBES: unknown[] = ['', 'a', '1', 'true', 0, 1, -1, 1.5, NaN, Infinity, true, false, null, undefined, {}, [], ['a'], { a: 1 }];

// Made on the first compile: the server's startup pays nothing for it.
let ajv: Ajv | undefined;
function compile(schema: JsonSchema): ValidateFunction {
  ajv ??= new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
  return ajv.compile(schema);
}

/**
 * The class's class-validator rules (with `whitelist` and `forbidNonWhitelisted`, no groups) compiled
 * once to an ajv validator, or undefined when the class uses a rule it cannot express exactly. Only
 * its yes is used: an input it refuses goes to class-validator, whose errors (and verdict) are the
 * answer, so the 400 messages are class-validator's own. Each rule's schema is checked against
 * class-validator's validator on a set of values first, so a custom rule that shares a built-in's
 * name, or a class-validator whose rule changed, falls back instead of answering differently.
 */
export function compileInputCheck(cls: Type<object>): CompiledInputCheck | undefined {
  const schema = objectSchema(getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false, undefined));
  if (!schema) return undefined;
  const validate = compile(schema);
  return (instance) => validate(instance);
}

function objectSchema(metadatas: ValidationMetadata[]): JsonSchema | undefined {
  if (metadatas.length === 0) return undefined; // class-validator refuses it as an unknown value
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    if (!isPlain(metadata)) return undefined;
    byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
  }
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [property, rules] of byProperty) {
    const optional = rules.some((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION);
    const checks: JsonSchema[] = [];
    for (const rule of rules) {
      if (rule.type === ValidationTypes.WHITELIST) continue; // @Allow(): allowed, unchecked
      if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        if (!isOptionalRule(rule)) return undefined;
        continue;
      }
      if (rule.type !== ValidationTypes.CUSTOM_VALIDATION) return undefined;
      const check = trustedSchema(rule);
      if (!check) return undefined;
      checks.push(check);
    }
    if (checks.length === 0) {
      properties[property] = {};
      continue;
    }
    const all = checks.length === 1 ? checks[0] : { allOf: checks };
    // @IsOptional skips a property that is null or undefined; ajv's `properties` already skips undefined.
    properties[property] = optional ? { anyOf: [{ type: 'null' }, all] } : all;
    if (!optional) required.push(property);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** A rule with none of the options that change when or how it applies. */
function isPlain(metadata: ValidationMetadata): boolean {
  return !metadata.each && metadata.always === undefined && !(metadata.groups?.length) && !(metadata as { validateIf?: unknown }).validateIf;
}

/** @IsOptional (not @ValidateIf): validates only a value that is neither null nor undefined. */
function isOptionalRule(rule: ValidationMetadata): boolean {
  const condition = rule.constraints?.[0] as ((object: object, value: unknown) => boolean) | undefined;
  if (rule.name !== 'isOptional' || typeof condition !== 'function') return false;
  const at = (value: unknown) => condition({ [rule.propertyName]: value }, value);
  return !at(null) && !at(undefined) && at('') && at(0) && at(false);
}

/** The rule's schema, when it agrees with class-validator's own validator on every probe. */
function trustedSchema(rule: ValidationMetadata): JsonSchema | undefined {
  const schema = rule.name === undefined ? undefined : RULES[rule.name]?.(rule.constraints);
  if (!schema) return undefined;
  const constraints = getMetadataStorage().getTargetValidatorConstraints(rule.constraintCls);
  if (constraints.length !== 1 || constraints[0].async) return undefined;
  const validator = constraints[0].instance as { validate(value: unknown, args: ValidationArguments): unknown };
  const validate = compile(schema);
  const probes = [...PROBES, ...(Array.isArray(schema.enum) ? schema.enum : [])];
  const agrees = (value: unknown) => {
    const args: ValidationArguments = { targetName: '', property: rule.propertyName, object: {}, value, constraints: rule.constraints };
    return validate(value) === (validator.validate(value, args) === true);
  };
  return probes.every(agrees) ? schema : undefined;
}

function isEmptyOptions(options: unknown): boolean {
  return options === undefined || (typeof options === 'object' && options !== null && Object.keys(options).length === 0);
}

function isPrimitive(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
