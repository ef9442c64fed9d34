import type { RuntimeCopy } from '../copies/runtime-copies';
import { RuntimeCopiesMessages } from '../copies/runtime-copies.messages';

/** Two versions of @userscope/runtime in one process. Stops startup. */
export class RuntimeVersionConflictError extends Error {
  override name = 'RuntimeVersionConflictError';
  readonly code = 'runtime_version_conflict';

  constructor(readonly copies: RuntimeCopy[]) {
    super(RuntimeCopiesMessages.versionConflict(copies));
  }
}
