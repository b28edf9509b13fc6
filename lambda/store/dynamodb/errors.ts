/**
 * Tells whether a DynamoDB call failed only because its condition expression was false. Checks
 * the error name rather than the class, because a bundle may hold two copies of the SDK.
 */
export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
