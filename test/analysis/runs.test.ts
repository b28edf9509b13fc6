import { segmentHistory, splitRuns } from '../../lambda/analysis/runs';
import { findSharpDrops } from '../../lambda/analysis/sharp-drops';
import type { Sample } from '../../lambda/types';
import { containerHistory, GIB, HOUR, MB, MIB, NOW, restartEvents, sampleSeries } from './generators';
import { inContainerWorkerKills, motivatingLeak, recycledWorkersSawtooth } from './scenarios';

const series = (values: number[], start = NOW - (values.length - 1) * HOUR): Sample[] => values.map((v, index) => ({ t: start + index * HOUR, v: v * MB }));

describe('splitRuns', () => {
  test('each container id is its own run', () => {
    const history = containerHistory({ usageByContainerId: [series([500, 510, 520], NOW - 5 * HOUR), series([100, 110, 120], NOW - 2 * HOUR)] });

    const runs = splitRuns(history, 6 * GIB);

    expect(runs.map((run) => run.startReason)).toEqual(['first', 'new-container-id']);
    expect(runs.map((run) => run.samples.length)).toEqual([3, 3]);
  });

  test('a restart counter increase splits one series', () => {
    const history = containerHistory({ usageByContainerId: [series([500, 510, 520, 505, 515])], restarts: restartEvents([NOW - HOUR], false) });

    const runs = splitRuns(history, 6 * GIB);

    expect(runs.map((run) => run.startReason)).toEqual(['first', 'restart-counter']);
    expect(runs.map((run) => run.samples.length)).toEqual([3, 2]);
  });

  test('the restart step keeps the dying container’s peak in the old run', () => {
    // Peaks per step: the 03:30 sample still contains the old container's 6 GiB spike.
    const history = containerHistory({ usageByContainerId: [series([1500, 1500, 6144, 1500, 1500])], restarts: restartEvents([NOW - 2 * HOUR], true) });

    const runs = splitRuns(history, 6 * GIB);

    expect(runs.map((run) => run.samples.map((sample) => sample.v / MB))).toEqual([
      [1500, 1500, 6144],
      [1500, 1500],
    ]);
  });

  test('a restart event that a new container id explains does not split again', () => {
    const history = containerHistory({
      usageByContainerId: [series([500, 600, 700], NOW - 5 * HOUR), series([100, 110, 120], NOW - 2 * HOUR)],
      restarts: restartEvents([NOW - 2 * HOUR], true),
    });

    expect(splitRuns(history, 6 * GIB)).toHaveLength(2);
  });

  test('earlier pods come first as new-pod runs', () => {
    const history = containerHistory({
      usageByContainerId: [series([300, 310])],
      earlierPods: [
        { pod: 'app-2', samples: series([200, 210], NOW - 10 * HOUR) },
        { pod: 'app-1', samples: series([100, 110], NOW - 20 * HOUR) },
      ],
    });

    const { earlierRuns, liveRuns } = segmentHistory(history, 6 * GIB);

    expect(earlierRuns.map((run) => [run.pod, run.startReason])).toEqual([
      ['app-1', 'first'],
      ['app-2', 'new-pod'],
    ]);
    expect(liveRuns.map((run) => [run.pod, run.startReason])).toEqual([['dojo-django-7c9f8b6d4-x2k9p', 'new-pod']]);
  });

  test('gaps of several hours do not split a run', () => {
    const history = motivatingLeak({
      ageHours: 140,
      gaps: [
        [NOW - 100 * HOUR, NOW - 90 * HOUR],
        [NOW - 30 * HOUR, NOW - 24 * HOUR],
      ],
    });

    expect(splitRuns(history, 6 * GIB)).toHaveLength(1);
  });

  test('noise of 50 MB on a leak does not split it', () => {
    expect(splitRuns(motivatingLeak({ ageHours: 168, noiseBytes: 50 * MB, seed: 13 }), 6 * GIB)).toHaveLength(1);
  });

  test('every recycling of the uwsgi workers starts a run', () => {
    const runs = splitRuns(recycledWorkersSawtooth(), 2 * GIB);

    expect(runs).toHaveLength(28);
    expect(runs.slice(1).every((run) => run.startReason === 'sharp-drop')).toBe(true);
  });

  test('in-container kills without a restart signal start runs', () => {
    const runs = splitRuns(inContainerWorkerKills(), 1024 * MIB);

    expect(runs.filter((run) => run.startReason === 'sharp-drop')).toHaveLength(21);
  });
});

describe('findSharpDrops', () => {
  test('finds a fall of 30 % of the level', () => {
    expect(findSharpDrops(series([600, 610, 620, 430, 440]), null)).toEqual([3]);
  });

  test('ignores an 8 % fall', () => {
    expect(findSharpDrops(series([600, 610, 620, 570, 580]), 4 * GIB)).toEqual([]);
  });

  test('finds a fall of 24 % of the limit', () => {
    const values = [760, 800, 840, 880, 920, 960, 1000, 750, 790].map((v) => v * 1.048576);
    expect(findSharpDrops(series(values), 1024 * MIB)).toEqual([7]);
  });

  test('finds a clear 18 % fall on a clean ramp', () => {
    expect(findSharpDrops(series([900, 936, 972, 1008, 1044, 1080, 1116, 920, 956]), 2 * GIB)).toEqual([7]);
  });

  test('ignores the way back from a one-sample spike', () => {
    expect(findSharpDrops(series([500, 502, 1200, 501, 499, 503]), 2 * GIB)).toEqual([]);
  });

  test('ignores the way back from a two-sample spike', () => {
    expect(findSharpDrops(series([500, 502, 1200, 1150, 501, 499]), 2 * GIB)).toEqual([]);
  });

  test('ignores falls within the noise', () => {
    const noisy = sampleSeries(() => 500 * MB, { from: NOW - 200 * HOUR, to: NOW, noiseBytes: 60 * MB, seed: 101 });
    expect(findSharpDrops(noisy, 2 * GIB)).toEqual([]);
  });
});
