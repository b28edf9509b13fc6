import type { Verdict } from '../../lambda/types';

/** Builds a verdict for policy and report tests; fields not given describe a healthy container. */
export function verdictOf(overrides: Partial<Verdict> & Pick<Verdict, 'id'>): Verdict {
  return {
    labels: { namespace: 'dojo', pod: 'dojo-django-7c9f8b6d4-x2k9p', container: 'uwsgi' },
    usageBytes: 1_000_000_000,
    limitBytes: 6_442_450_944,
    slopeBytesPerHour: 0,
    hoursToLimit: null,
    hoursToLimitInterval: null,
    eta: null,
    severity: 'none',
    pattern: 'flat',
    confidence: 0.9,
    restarts: { total: 0, oomKills: 0, perDay: 0 },
    peakFractionOfLimit: 0.16,
    evidence: [],
    ...overrides,
  };
}

/** A verdict of a container that reaches its limit in `hoursToLimit` hours. */
export function leakVerdict(id: string, hoursToLimit: number, severity: Verdict['severity']): Verdict {
  return verdictOf({
    id,
    slopeBytesPerHour: 30_000_000,
    hoursToLimit,
    hoursToLimitInterval: [hoursToLimit * 0.9, hoursToLimit * 1.1],
    eta: new Date(Date.UTC(2026, 11, 1) + hoursToLimit * 3600_000).toISOString(),
    severity,
    pattern: 'linear-growth',
    confidence: 0.7,
  });
}
