/** The per-user/shared dependency rules are broken: startup stops, naming every offending chain. */
export class DependencyGraphError extends Error {
  override name = 'DependencyGraphError';

  constructor(readonly problems: string[]) {
    super(
      `Invalid dependencies between shared and per-user components:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'A shared component is built once for all users and cannot hold one user\'s instance: make the dependant ' +
        'per-user (@PerUserFunction, or @Injectable({ scope: Scope.REQUEST, durable: true })), or depend on shared components only.',
    );
  }
}
