/** Tables and totals of the detection-quality benchmark. */
import { formatFixed, formatPercent, maximum, median } from '../support/stats';
import { renderMarkdownTable, renderTable, type Alignment } from '../support/table';
import { ETA_ERROR_TARGET, LEVEL_HORIZON_HOURS, type ScenarioFigures } from './metrics';
import { shouldWarn, type AlertLevel, type QualityScenario } from './scenario';

/** Figures of both contenders on one scenario, at both levels. */
export interface ScenarioResult {
  readonly scenario: QualityScenario;
  /** Episodes that lead times refer to: first kill of each, and whether it is projected. */
  readonly episodes: { readonly firstKillSeconds: number; readonly projected: boolean }[];
  readonly oomForecast: Record<AlertLevel, ScenarioFigures>;
  /** oom-forecast's verdicts at warning level or above, before the alert policy. */
  readonly oomForecastVerdicts: ScenarioFigures;
  readonly predictLinear: Record<AlertLevel, ScenarioFigures>;
}

function verdictCell(figures: ScenarioFigures): string {
  return `${figures.alerted ? 'warn' : 'quiet'} ${figures.verdictRight ? 'ok' : 'WRONG'}`;
}

/** Lead hours per episode: a number, `miss` for no alert, `p` before a projected kill's figure. */
function leadCell(result: ScenarioResult, figures: ScenarioFigures): string {
  if (figures.leadHours.length === 0) {
    return '-';
  }
  const cells = figures.leadHours.map((hours, index) => `${result.episodes[index].projected ? 'p' : ''}${hours === null ? 'miss' : Math.round(hours)}`);
  if (cells.length <= MAX_LEAD_CELLS) {
    return cells.join(',');
  }
  // Daily kills make long lists: the first lead, then the range of the others.
  const rest = figures.leadHours.slice(1);
  const known = rest.filter((hours): hours is number => hours !== null);
  const misses = rest.length - known.length;
  const range = known.length === 0 ? '' : `${Math.round(Math.min(...known))}..${Math.round(Math.max(...known))}`;
  return `${cells[0]},${range}${misses > 0 ? `+${misses}miss` : ''} (${cells.length})`;
}

/** Episodes listed one by one in a lead cell; longer lists are summarised. */
const MAX_LEAD_CELLS = 5;

/** False-alert hours, with the part within 48 hours after a real OOM kill in brackets when there is one. */
function falseHoursCell(figures: ScenarioFigures): string {
  const total = formatFixed(figures.falseAlertHours, 0);
  return figures.falseAlertHoursAfterKill >= 0.5 ? `${total} (${formatFixed(figures.falseAlertHoursAfterKill, 0)})` : total;
}

function etaCell(figures: ScenarioFigures): string {
  if (figures.etaSamples === 0) {
    return 'n/a';
  }
  return `${formatPercent(figures.etaErrorMedian)}/${formatPercent(figures.etaErrorMax)}`;
}

function contenderCells(result: ScenarioResult, figures: ScenarioFigures, withVerdict: boolean): string[] {
  return [
    ...(withVerdict ? [verdictCell(figures)] : []),
    leadCell(result, figures),
    falseHoursCell(figures),
    String(figures.flaps),
    etaCell(figures),
  ];
}

/** Median of the scenarios' median ETA errors, and the largest error of all. */
function totalEtaCell(all: readonly ScenarioFigures[]): string {
  const medians = all.flatMap((figures) => (figures.etaErrorMedian === null ? [] : [figures.etaErrorMedian]));
  const maxima = all.flatMap((figures) => (figures.etaErrorMax === null ? [] : [figures.etaErrorMax]));
  return `${formatPercent(median(medians))}/${formatPercent(maximum(maxima))}`;
}

/** Rows and headers of one level's table: scenario rows, both contenders side by side, and a totals row. */
function levelTable(results: readonly ScenarioResult[], level: AlertLevel): { headers: string[]; rows: string[][]; alignments: Alignment[] } {
  const withVerdict = level === 'warning';
  const ruleName = level === 'warning' ? 'RULE 7d' : 'RULE 2d';
  const ours = level === 'warning' ? 'OF' : 'OF CRIT';
  const contenderHeaders = (name: string): string[] => [
    ...(withVerdict ? [`${name} VERDICT`] : []),
    `${name} LEAD h`,
    `${name} FALSE h`,
    `${name} FLAPS`,
    `${name} ETA ERR`,
  ];
  const headers = ['SCENARIO', 'GROUP', 'OOM KILLS', ...contenderHeaders(ours), ...contenderHeaders(ruleName)];
  const alignments: Alignment[] = headers.map((_, index) => (index < 2 ? 'left' : 'right'));

  const rows = results.map((result) => [
    result.scenario.name,
    result.scenario.group,
    String(result.scenario.oomKillSeconds.length),
    ...contenderCells(result, result.oomForecast[level], withVerdict),
    ...contenderCells(result, result.predictLinear[level], withVerdict),
  ]);
  const totals = (pick: (result: ScenarioResult) => ScenarioFigures): string[] => {
    const all = results.map(pick);
    const right = all.filter((figures) => figures.verdictRight).length;
    const leakLeads = results
      .filter((result) => result.scenario.group === 'leak')
      .flatMap((result) => pick(result).leadHours.filter((hours): hours is number => hours !== null));
    return [
      ...(withVerdict ? [`${right}/${all.length} ok`] : []),
      `med ${formatFixed(median(leakLeads), 0)}`,
      falseHoursCell({
        ...all[0],
        falseAlertHours: all.reduce((sum, figures) => sum + figures.falseAlertHours, 0),
        falseAlertHoursAfterKill: all.reduce((sum, figures) => sum + figures.falseAlertHoursAfterKill, 0),
      }),
      String(all.reduce((sum, figures) => sum + figures.flaps, 0)),
      totalEtaCell(all),
    ];
  };
  rows.push([
    'TOTAL',
    '',
    String(results.reduce((sum, result) => sum + result.scenario.oomKillSeconds.length, 0)),
    ...totals((result) => result.oomForecast[level]),
    ...totals((result) => result.predictLinear[level]),
  ]);
  return { headers, rows, alignments };
}

/** Renders one level's table as text for the terminal. */
export function renderLevelTable(results: readonly ScenarioResult[], level: AlertLevel): string {
  const { headers, rows, alignments } = levelTable(results, level);
  return renderTable(headers, rows, alignments);
}

/** Renders one level's table as Markdown for docs/benchmarks.md. */
export function renderLevelMarkdown(results: readonly ScenarioResult[], level: AlertLevel): string {
  const { headers, rows, alignments } = levelTable(results, level);
  return renderMarkdownTable(headers, rows, alignments);
}

/** The figures measured against the suite's targets, for both contenders. */
export interface TargetSummary {
  readonly verdictsRight: { readonly oomForecast: number; readonly predictLinear: number; readonly scenarios: number };
  readonly falseAlertHours: {
    readonly oomForecast: number;
    readonly oomForecastAfterKill: number;
    readonly oomForecastVerdicts: number;
    readonly predictLinear: number;
    readonly predictLinearAfterKill: number;
  };
  readonly flapsOnLeaks: { readonly oomForecast: number; readonly predictLinear: number };
  /** Leak episodes where oom-forecast's first warning came at least as early as the rule's. */
  readonly leadAtLeastRule: { readonly episodes: number; readonly atLeastAsEarly: number; readonly withinOneCheck: number; readonly later: string[] };
  /**
   * Leak scenarios where oom-forecast's first alert of the span came no later than the rule's
   * first alert, which may have gone off again before the kill.
   */
  readonly firstAlertAtLeastRule: { readonly scenarios: number; readonly atLeastAsEarly: number; readonly later: string[] };
  /** Share of oom-forecast's forecasts (made while warned) within 15 % of the real kill. */
  readonly etaWithinTarget: { readonly samples: number; readonly within: number | null; readonly scenariosOver: string[] };
  readonly wrongVerdicts: { readonly oomForecast: string[]; readonly predictLinear: string[] };
}

function compareFirstAlerts(leaks: readonly ScenarioResult[]): TargetSummary['firstAlertAtLeastRule'] {
  const later: string[] = [];
  for (const result of leaks) {
    const ours = result.oomForecast.warning.firstAlertSeconds ?? Number.POSITIVE_INFINITY;
    const rule = result.predictLinear.warning.firstAlertSeconds ?? Number.POSITIVE_INFINITY;
    if (ours > rule) {
      later.push(`${result.scenario.name} by ${Number.isFinite(ours) ? ((ours - rule) / 3600).toFixed(1) : 'never'} h`);
    }
  }
  return { scenarios: leaks.length, atLeastAsEarly: leaks.length - later.length, later };
}

/** Measures the warning-level figures against the targets. */
export function summariseTargets(results: readonly ScenarioResult[]): TargetSummary {
  const leaks = results.filter((result) => result.scenario.group === 'leak');
  let episodes = 0;
  let atLeastAsEarly = 0;
  let withinOneCheck = 0;
  const later: string[] = [];
  for (const result of leaks) {
    result.oomForecast.warning.leadHours.forEach((ours, index) => {
      const rule = result.predictLinear.warning.leadHours[index];
      episodes += 1;
      const oursHours = ours ?? Number.NEGATIVE_INFINITY;
      const ruleHours = rule ?? Number.NEGATIVE_INFINITY;
      if (oursHours >= ruleHours - 1) {
        withinOneCheck += 1;
      }
      if (oursHours >= ruleHours) {
        atLeastAsEarly += 1;
      } else {
        later.push(`${result.scenario.name} episode ${index + 1}: ${formatFixed(ours, 0)} h vs rule ${formatFixed(rule, 0)} h`);
      }
    });
  }

  let samples = 0;
  let withinWeighted = 0;
  const scenariosOver: string[] = [];
  for (const result of results) {
    const figures = result.oomForecast.warning;
    samples += figures.etaSamples;
    if (figures.etaErrorMax !== null && figures.etaErrorMax > ETA_ERROR_TARGET) {
      scenariosOver.push(`${result.scenario.name} (median ${formatPercent(figures.etaErrorMedian)}, max ${formatPercent(figures.etaErrorMax)})`);
    }
    withinWeighted += figures.etaWithinTarget;
  }

  const sum = (pick: (result: ScenarioResult) => number, over: readonly ScenarioResult[] = results): number => over.reduce((total, result) => total + pick(result), 0);
  return {
    verdictsRight: {
      oomForecast: results.filter((result) => result.oomForecast.warning.verdictRight).length,
      predictLinear: results.filter((result) => result.predictLinear.warning.verdictRight).length,
      scenarios: results.length,
    },
    falseAlertHours: {
      oomForecast: sum((result) => result.oomForecast.warning.falseAlertHours),
      oomForecastAfterKill: sum((result) => result.oomForecast.warning.falseAlertHoursAfterKill),
      oomForecastVerdicts: sum((result) => result.oomForecastVerdicts.falseAlertHours),
      predictLinear: sum((result) => result.predictLinear.warning.falseAlertHours),
      predictLinearAfterKill: sum((result) => result.predictLinear.warning.falseAlertHoursAfterKill),
    },
    flapsOnLeaks: { oomForecast: sum((result) => result.oomForecast.warning.flaps, leaks), predictLinear: sum((result) => result.predictLinear.warning.flaps, leaks) },
    leadAtLeastRule: { episodes, atLeastAsEarly, withinOneCheck, later },
    firstAlertAtLeastRule: compareFirstAlerts(leaks),
    etaWithinTarget: { samples, within: samples === 0 ? null : withinWeighted / samples, scenariosOver },
    wrongVerdicts: {
      oomForecast: results.filter((result) => !result.oomForecast.warning.verdictRight).map((result) => `${result.scenario.name} (${shouldWarn(result.scenario) ? 'should warn' : 'should stay quiet'})`),
      predictLinear: results.filter((result) => !result.predictLinear.warning.verdictRight).map((result) => `${result.scenario.name} (${shouldWarn(result.scenario) ? 'should warn' : 'should stay quiet'})`),
    },
  };
}

/** Renders the target summary as lines of text. */
export function renderTargets(summary: TargetSummary): string {
  const hours = LEVEL_HORIZON_HOURS.warning;
  return [
    `Every verdict right:        oom-forecast ${summary.verdictsRight.oomForecast}/${summary.verdictsRight.scenarios}, rule ${summary.verdictsRight.predictLinear}/${summary.verdictsRight.scenarios}`,
    `Zero false-alert hours:     oom-forecast ${summary.falseAlertHours.oomForecast.toFixed(0)} h (${summary.falseAlertHours.oomForecastAfterKill.toFixed(0)} h within 48 h after a real kill; ` +
      `at-risk verdicts before the alert policy: ${summary.falseAlertHours.oomForecastVerdicts.toFixed(0)} h), ` +
      `rule ${summary.falseAlertHours.predictLinear.toFixed(0)} h (${summary.falseAlertHours.predictLinearAfterKill.toFixed(0)} h after a kill); alert with no OOM kill within ${hours / 24} d`,
    `No flaps on true leaks:     oom-forecast ${summary.flapsOnLeaks.oomForecast}, rule ${summary.flapsOnLeaks.predictLinear}`,
    `Warned at least as early as the rule: ${summary.leadAtLeastRule.atLeastAsEarly}/${summary.leadAtLeastRule.episodes} leak episodes ` +
      `(${summary.leadAtLeastRule.withinOneCheck} within one hourly check)` +
      (summary.leadAtLeastRule.later.length === 0 ? '' : `; later on ${summary.leadAtLeastRule.later.join('; ')}`),
    `First alert at least as early as the rule's first alert: ${summary.firstAlertAtLeastRule.atLeastAsEarly}/${summary.firstAlertAtLeastRule.scenarios} leak scenarios` +
      (summary.firstAlertAtLeastRule.later.length === 0 ? '' : `; later on ${summary.firstAlertAtLeastRule.later.join(', ')}`),
    `ETA within 15 % once warned: ${formatPercent(summary.etaWithinTarget.within)} of ${summary.etaWithinTarget.samples} hourly forecasts` +
      (summary.etaWithinTarget.scenariosOver.length === 0 ? '' : `; max over 15 % on ${summary.etaWithinTarget.scenariosOver.join(', ')}`),
    `Wrong verdicts:             oom-forecast ${summary.wrongVerdicts.oomForecast.join(', ') || 'none'}; rule ${summary.wrongVerdicts.predictLinear.join(', ') || 'none'}`,
  ].join('\n');
}
