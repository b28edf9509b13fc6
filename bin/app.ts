#!/usr/bin/env node
/** Entry point of `cdk synth` and `cdk deploy` (see cdk.json). */
import { UsageError } from '../lambda/config/units';
import { createOomForecastApp } from '../lib/oom-forecast-app';

try {
  createOomForecastApp().synth();
} catch (error) {
  // A bad context value is the user's to fix: print the message alone, as the CLI does.
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
