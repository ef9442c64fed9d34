import { Injectable } from '@nestjs/common';
import { LOCAL_OWNERSHIP, UserOwnership } from './user-ownership.interface';
import { NO_SESSION_STATE, SessionStateStore } from './session-state.interface';

/**
 * Where sessions get their ownership and their saved state from: one process and nothing saved,
 * unless a module (cluster mode, `general.session_state`) puts its own in, at init, before any request.
 */
@Injectable()
export class SessionBackends {
  ownership: UserOwnership = LOCAL_OWNERSHIP;
  state: SessionStateStore = NO_SESSION_STATE;

  use(backends: { ownership?: UserOwnership; state?: SessionStateStore }): void {
    if (backends.ownership) this.ownership = backends.ownership;
    if (backends.state) this.state = backends.state;
  }
}
