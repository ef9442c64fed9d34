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

  it('lists the placeholders in use and refuses an unknown one', () => {
    expect(placeholdersIn({ A: 'Bearer {{secret:token}}', B: '{{identity:user_id}}' })).toEqual(['secret:token', 'identity:user_id']);
    expect(() => placeholdersIn({ A: '{{env:HOME}}' })).toThrow(/unknown header template '\{\{env:HOME\}\}'/);
  });
});
