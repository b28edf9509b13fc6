/** Time until a linear growth reaches the memory limit. */
import { formatInstant } from '../config/units';
import type { GrowthModel } from './growth-model';
import { SECONDS_PER_HOUR } from './samples';
import { INTERVAL_Z, MAX_FORECAST_HOURS } from './tuning';

/** When the limit is forecast to be reached. */
export interface Forecast {
  readonly hoursToLimit: number;
  /** From the 90 % intervals of the slope and the level: earliest and latest plausible hours. */
  readonly hoursToLimitInterval: readonly [number, number];
  /** ISO 8601 UTC instant of `hoursToLimit` after the evaluation. */
  readonly eta: string;
  /** Fitted level at the evaluation instant. */
  readonly levelNowBytes: number;
}

/**
 * Forecasts when `growth` reaches `limitBytes`: (limit − fitted level now) / slope. The fitted
 * level, not the last sample, is used so that one noisy sample does not move the forecast.
 *
 * NOTE: the extrapolation is linear. Accelerating growth is forecast with its average rate, so
 * the limit comes sooner than forecast.
 *
 * @returns null when the growth is not positive, or reaches the limit only after 10 years
 */
export function forecastTimeToLimit(growth: GrowthModel, limitBytes: number, evaluatedAt: number): Forecast | null {
  const slope = growth.slopeBytesPerHour;
  if (!(slope > 0) || !(limitBytes > 0)) {
    return null;
  }
  const levelNowBytes = growth.levelBytes + (slope * (evaluatedAt - growth.levelTime)) / SECONDS_PER_HOUR;
  const remainingBytes = Math.max(0, limitBytes - levelNowBytes);
  const hoursToLimit = remainingBytes / slope;
  if (!Number.isFinite(hoursToLimit) || hoursToLimit > MAX_FORECAST_HOURS) {
    return null;
  }

  // The interval combines the slope's interval with the level's 90 % error.
  const [slopeLow, slopeHigh] = growth.slopeIntervalBytesPerHour;
  const levelMarginBytes = INTERVAL_Z * growth.levelErrorBytes;
  const earliestHours = Math.max(0, remainingBytes - levelMarginBytes) / Math.max(slopeHigh, slope);
  const latestHours = slopeLow > 0 ? Math.min((remainingBytes + levelMarginBytes) / slopeLow, MAX_FORECAST_HOURS) : MAX_FORECAST_HOURS;
  return {
    hoursToLimit,
    hoursToLimitInterval: [earliestHours, Math.max(latestHours, hoursToLimit)],
    eta: formatInstant(evaluatedAt + hoursToLimit * SECONDS_PER_HOUR),
    levelNowBytes,
  };
}

/**
 * Rounds hours for output: to tenths of an hour, and to ten-thousandths (a third of a second)
 * below one hour, so that a short lookback's forecast of seconds is not rounded to zero.
 */
export function roundHours(hours: number): number {
  const factor = Math.abs(hours) < 1 ? 10_000 : 10;
  return Math.round(hours * factor) / factor;
}
