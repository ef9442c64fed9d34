import { placeholdersIn, renderTemplates } from './header.templates';

describe('header templates', () => {
  const sources = {
    userId: 'alice',
    secret: async (name: string) => (name === 'token' ? 's3cret' : undefined),
    claims: { tenant: 'acme', groups: ['a', 'b'] },
  };

  it('fills secrets, the user id and verified claims', async () => {
    const headers = { Authorization: 'Bearer {{secret:token}}', 'X-User': '{{ identity:user_id }}', 'X-Tenant': '{{identity:claims.tenant}}/{{identity:claims.groups}}' };
    expect(await renderTemplates(headers, sources)).toEqual({ Authorization: 'Bearer s3cret', 'X-User': 'alice', 'X-Tenant': 'acme/["a","b"]' });
  });

  it('refuses a secret or a claim the user does not have, naming it', async () => {
    await expect(renderTemplates({ A: '{{secret:missing}}' }, sources)).rejects.toThrow(/user 'alice' has no secret 'missing'/);
    await expect(renderTemplates({ A: '{{identity:claims.role}}' }, sources)).rejects.toThrow(/no verified claim 'role'/);
    await expect(renderTemplates({ A: '{{identity:claims.tenant}}' }, { ...sources, claims: undefined })).rejects.toThrow(/no verified claim 'tenant'/);
  });

  it('refuses a value that cannot be sent (a line break in a header, a NUL in a child env), naming the key and never the value', async () => {
    const broken = { ...sources, secret: async () => 'line1\r\nX-Injected: yes' };
    const error = await renderTemplates({ Authorization: 'Bearer {{secret:token}}' }, broken).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/header 'Authorization' for user 'alice' would hold a line break/);
    expect((error as Error).message).not.toContain('line1');
    // A child's environment takes a line break (a PEM key), not a NUL.
    expect(await renderTemplates({ KEY: '{{secret:token}}' }, { ...sources, secret: async () => 'a\nb' }, 'env')).toEqual({ KEY: 'a\nb' });
    await expect(renderTemplates({ KEY: '{{secret:token}}' }, { ...sources, secret: async () => 'a\0b' }, 'env')).rejects.toThrow(/environment variable 'KEY' for user 'alice' would hold a NUL/);
  });

  it('lists the placeholders in use and refuses an unknown one', () => {
    expect(placeholdersIn({ A: 'Bearer {{secret:token}}', B: '{{identity:user_id}}' })).toEqual(['secret:token', 'identity:user_id']);
    expect(() => placeholdersIn({ A: '{{env:HOME}}' })).toThrow(/unknown template '\{\{env:HOME\}\}'/);
  });
});
