import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ParsedSchedule } from '../schedule/schedule-text';
import { findRunsSkippedByClockChange } from '../schedule/skipped-runs';

/** Id of the synth warning about runs lost to a clock change; acknowledge it with this id. */
export const SKIPPED_RUN_WARNING_ID = 'oom-forecast:schedule-skipped-by-clock-change';

/**
 * Adds a synth warning when a cron schedule in a time zone has runs at a local time that does
 * not exist on the day the clocks go forward, because EventBridge Scheduler skips those runs.
 * Looks one year ahead from the synth.
 */
export function warnAboutSkippedRuns(scope: Construct, schedule: ParsedSchedule, timeZone: string | undefined): void {
  if (schedule.kind !== 'cron' || timeZone === undefined) {
    return;
  }
  const skippedRuns = findRunsSkippedByClockChange(schedule.cron, timeZone, Date.now());
  if (skippedRuns.length === 0) {
    return;
  }

  const examples = skippedRuns
    .slice(0, 3)
    .map((run) => `${run.localTime} on ${run.localDate} (${run.skippedRange} does not exist)`)
    .join(', ');
  Validations.of(scope).addWarning(
    SKIPPED_RUN_WARNING_ID,
    `schedule ${schedule.text} in ${timeZone}: EventBridge Scheduler skips runs whose local time does not exist when the clocks go forward, ` +
      `so ${skippedRuns.length} run(s) in the coming year will not happen: ${examples}. ` +
      'Move the run outside the hour of the clock change, or give the schedule in UTC.',
  );
}
