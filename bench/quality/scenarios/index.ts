/** The detection-quality suite: every scenario over one shared window. */
import type { SimulationWindow } from '../../../lambda/demo/kube-simulator';
import type { QualityScenario } from '../scenario';
import { benignScenarios } from './benign';
import { DAY } from './builders';
import { caseScenarios } from './cases';
import { leakScenarios } from './leaks';

/** First instant of the shared window, fixed so that every run generates the same data. 2026-11-02T00:00:00Z. */
export const SUITE_START_SECONDS = Date.UTC(2026, 10, 2) / 1000;
/** Length of the window: long enough for two or more OOM kills of most leaks. */
export const SUITE_DAYS = 20;
/**
 * Scrape interval of the simulated cAdvisor and kube-state-metrics. It divides an hour, so
 * hourly checks land on a scrape, and keeps the suite near 2.5 million samples.
 */
export const SUITE_SCRAPE_SECONDS = 180;

/** Returns the shared window of the suite. */
export function suiteWindow(): SimulationWindow {
  return { startSeconds: SUITE_START_SECONDS, endSeconds: SUITE_START_SECONDS + SUITE_DAYS * DAY, scrapeSeconds: SUITE_SCRAPE_SECONDS };
}

/**
 * Builds every scenario, each in its own namespace. Names are checked to be unique because the
 * namespace is what ties a verdict or an alert to its scenario.
 *
 * @throws Error when two scenarios share a name
 */
export function buildSuite(window: SimulationWindow = suiteWindow()): QualityScenario[] {
  const scenarios = [...leakScenarios(window), ...caseScenarios(window), ...benignScenarios(window)];
  const names = new Set<string>();
  for (const scenario of scenarios) {
    if (names.has(scenario.name)) {
      throw new Error(`scenario name "${scenario.name}" is used twice: each scenario needs its own namespace`);
    }
    names.add(scenario.name);
  }
  return scenarios;
}
