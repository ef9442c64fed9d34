/**
 * On a request one replica forwarded to another: the forwarder's id. A forwarded request is never
 * forwarded again, so two replicas that disagree about an owner cannot bounce it between them.
 */
export const FORWARDED_BY_HEADER = 'x-userscope-forwarded-by';
