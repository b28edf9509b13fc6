/**
 * DynamoDB's hard limit on one item, names and values included: 400 KB.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/** DynamoDB stores a number in at most 21 bytes (38 significant digits). */
const MAX_NUMBER_BYTES = 21;

/**
 * Estimates the stored size of an item as DynamoDB counts it, from above: attribute names and
 * strings by their UTF-8 bytes, every number at the 21-byte maximum, and 3 bytes plus 1 per
 * element for lists and maps. An item whose estimate fits the limit always fits.
 */
export function estimateItemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name, 'utf8') + estimateValueBytes(value);
  }
  return bytes;
}

function estimateValueBytes(value: unknown): number {
  if (typeof value === 'string') {
    return Buffer.byteLength(value, 'utf8');
  }
  if (typeof value === 'number') {
    return MAX_NUMBER_BYTES;
  }
  if (value === null || value === undefined || typeof value === 'boolean') {
    return 1;
  }
  if (Array.isArray(value)) {
    return 3 + value.reduce((sum: number, element) => sum + 1 + estimateValueBytes(element), 0);
  }
  if (typeof value === 'object') {
    return 3 + estimateItemBytes(value as Record<string, unknown>) + Object.keys(value).length;
  }
  throw new TypeError(`cannot estimate the DynamoDB size of a ${typeof value}`);
}
