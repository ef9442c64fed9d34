import { missingFields, parseMissingPolicy, renderTemplate, TemplateError, userFieldsOf } from './template.renderer';

const alice = { id: 'alice', name: 'Alice Johnson', role: 'Marketing Manager', preferences: { platform: 'LinkedIn', tags: ['a', 'b'] } };
const render = (template: string, policy = 'error', nodes: Record<string, unknown> = {}, max = 1000) =>
  renderTemplate(template, { user: alice, nodes }, parseMissingPolicy(policy)!, max);

describe('templates', () => {
  it('fills user fields, nested fields and earlier node outputs', () => {
    expect(render('Create a script for {{user:name}}, a {{user:role}} on {{ user:preferences.platform }}.')).toBe(
      'Create a script for Alice Johnson, a Marketing Manager on LinkedIn.',
    );
    expect(render('Hook: {{node:1.hook}} / {{node:2}}', 'error', { '1': { hook: 'Hey!' }, '2': 'plain' })).toBe('Hook: Hey! / plain');
    expect(render('{{user:preferences.tags}} {{node:1}}', 'error', { '1': { a: 1 } })).toBe('["a","b"] {"a":1}');
  });

  it('applies the missing-field policy', () => {
    expect(() => render('{{user:department}}')).toThrow(new TemplateError("the user has no field 'department'"));
    expect(render('[{{user:department}}]', 'empty')).toBe('[]');
    expect(render('[{{user:department}}]', 'default:General')).toBe('[General]');
    expect(() => render('{{node:9.x}}', 'empty')).toThrow(TemplateError);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'a.__proto__.b', 'name.constructor'])('refuses the path %j', (path) => {
    expect(() => render(`{{user:${path}}}`, 'empty')).toThrow(TemplateError);
  });

  it('never evaluates or re-expands injected text', () => {
    const user = { name: '{{user:secret}} ${process.exit()} `x`', secret: 's3cret' };
    expect(renderTemplate('Hi {{user:name}}', { user, nodes: {} }, { kind: 'error' }, 1000)).toBe('Hi {{user:secret}} ${process.exit()} `x`');
  });

  it('reads own fields only: inherited properties are missing', () => {
    expect(render('[{{user:toString}}]', 'empty')).toBe('[]');
    expect(render('[{{user:name.length}}]', 'empty')).toBe('[]');
  });

  it('caps each injected value', () => {
    expect(render('{{user:name}}!', 'error', {}, 5)).toBe('Alice!');
  });

  it('lists the user fields a template needs and which a user lacks', () => {
    const fields = userFieldsOf('{{user:name}} {{node:1.x}} {{user:preferences.platform}} {{user:department}}');
    expect(fields).toEqual(['name', 'preferences.platform', 'department']);
    expect(missingFields(alice, fields)).toEqual(['department']);
  });

  it('parses policies', () => {
    expect(parseMissingPolicy('default:')).toEqual({ kind: 'default', text: '' });
    expect(parseMissingPolicy('ignore')).toBeUndefined();
  });
});
