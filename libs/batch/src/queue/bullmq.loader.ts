type BullMq = typeof import('bullmq');
let bullmq: BullMq | undefined;

/** BullMQ, loaded when a process first opens the queue (`batch.queue: bullmq`): an inline config starts without its 190 files. */
export function loadBullMq(): BullMq {
  bullmq ??= require('bullmq') as BullMq;
  return bullmq;
}
