import { RuntimeMessages } from '../runtime.messages';

/**
 * A per-user workflow was asked to run with no user id. Neutral: the front end that took the
 * request says what the caller must send (HTTP: the identity mode's 401; the CLI: `--user`).
 */
export class IdentityRequiredError extends Error {
  override name = 'IdentityRequiredError';
  readonly code = 'identity_required';

  constructor(readonly workflowName: string) {
    super(RuntimeMessages.identityRequired(workflowName));
  }
}
