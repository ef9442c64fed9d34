import { NOTHING_HELD, RunAdmission } from '../interfaces/run-admission.interface';

/**
 * `work()` in one of `userId`'s run slots (see RunAdmission), the slot given back however it ends;
 * the admission's refusal (429, 503) as the rejection. When the admission holds nothing for the user
 * (NOTHING_HELD, most users), `work`'s own promise as it is: no wrapper held for the whole run.
 */
export function inRunSlot<T>(admission: RunAdmission, userId: string, work: () => Promise<T>): Promise<T> {
  let admitted: (() => void) | Promise<() => void>;
  try {
    admitted = admission.admit(userId);
  } catch (error) {
    return Promise.reject(error);
  }
  if (admitted === NOTHING_HELD) return work();
  if (admitted instanceof Promise) return admitted.then((release) => whileHeld(release, work));
  return whileHeld(admitted, work);
}

/** `work`, then `release`, however it ends (a sync throw of `work` included). */
function whileHeld<T>(release: () => void, work: () => Promise<T>): Promise<T> {
  let running: Promise<T>;
  try {
    running = work();
  } catch (error) {
    release();
    return Promise.reject(error);
  }
  return running.then(
    (output) => {
      release();
      return output;
    },
    (error: unknown) => {
      release();
      throw error;
    },
  );
}
