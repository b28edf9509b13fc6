/**
 * Placeholder entry point of the scheduled Lambda, so that the CDK app can bundle and synth
 * before the real handler exists. The real handler replaces this file.
 */
// NOTE: placeholder that runs no check; replace it with the real handler before deploying.
export async function handler(): Promise<void> {
  throw new Error('lambda/handler.ts is a placeholder: the oom-forecast check is not implemented in this build');
}
