import { randomUUID } from 'node:crypto';

const RESPONSE_PREFIX = 'resp_';
/** An output item's id: its kind, its response's, its place: `msg_<response>_0`, `fc_<response>_1`. */
const ITEM_ID = /^(?:msg|fc)_([0-9a-f]{32})_\d+$/;

/** A new response id, `resp_<32 hex>`. */
export function newResponseId(): string {
  return `${RESPONSE_PREFIX}${randomUUID().replace(/-/g, '')}`;
}

/** The id of a response's `index`th output item. */
export function outputItemId(responseId: string, kind: 'msg' | 'fc', index: number): string {
  return `${kind}_${responseId.slice(RESPONSE_PREFIX.length)}_${index}`;
}

/** The response an output item id belongs to, so an `item_reference` is found without an index; undefined for any other id. */
export function responseIdOfItem(itemId: string): string | undefined {
  const match = ITEM_ID.exec(itemId);
  return match ? `${RESPONSE_PREFIX}${match[1]}` : undefined;
}
