/**
 * On a request one replica forwarded to another: the forwarder's id. A forwarded request is never
 * forwarded again, so two replicas that disagree about an owner cannot bounce it between them.
 */
export const FORWARDED_BY_HEADER = 'x-userscope-forwarded-by';

/**
 * On a forwarded request: the forwarder keeps receiving this user (the proxy sends them there) and
 * asks the owner to hand them over. The owner does so after the reply when the user is idle and
 * their state is durable (`session_state: redis`); otherwise it only serves the request.
 */
export const HANDOVER_HEADER = 'x-userscope-handover';

/** On the owner's reply to a request that asked for a handover: the user was handed over (the lease is free). */
export const HANDED_OVER_HEADER = 'x-userscope-handed-over';
