import type { AlertState, Severity } from '../../types';
import { estimateItemBytes } from './item-size';
import { idKey, statePartitionKey, truncateUtf8 } from './table-layout';

/** Version of the state item layout; items of another version are skipped on load. */
export const STATE_ITEM_FORMAT = 1;

/**
 * Slope points kept per state item: 90 days of hourly checks. The alert policy keeps 48; the
 * cap only bounds the item when a caller passes more.
 */
export const MAX_STORED_SLOPE_POINTS = 90 * 24;

/**
 * Size budget of one state item, half of DynamoDB's 400 KB limit. The worst case after clipping
 * (2,160 slope points and 32 labels of 640 bytes) is estimated at about 116 KB.
 */
export const MAX_STATE_ITEM_BYTES = 200 * 1024;

const MAX_LABELS = 32;
const MAX_LABEL_NAME_BYTES = 128;
const MAX_LABEL_VALUE_BYTES = 512;
/** Labels that messages and ids rely on, kept first when a label map is clipped. */
const PRIORITY_LABELS = ['namespace', 'pod', 'container'];

const SEVERITIES: readonly Severity[] = ['none', 'warning', 'critical'];

/**
 * One container's alert state as stored. The slope history is two parallel numeric arrays
 * (seconds after `slopeBaseT`, and slopes) instead of a list of maps, which roughly halves its size.
 */
export interface StateItem {
  readonly pk: string;
  readonly sk: string;
  readonly formatVersion: number;
  readonly id: string;
  readonly labels: Record<string, string>;
  readonly notifiedSeverity: Severity;
  readonly lastNotifiedAt: number | null;
  readonly pendingChecks: number;
  readonly clearChecks: number;
  readonly lastHoursToLimit: number | null;
  /** Unix seconds of the oldest slope point. */
  readonly slopeBaseT: number;
  readonly slopeOffsetsSeconds: number[];
  readonly slopesBytesPerHour: (number | null)[];
  readonly lastSeenAt: number;
  /** Unix seconds after which DynamoDB may delete the item. */
  readonly expiresAt: number;
}

/**
 * Builds the item that stores `state`, with labels clipped, at most
 * {@link MAX_STORED_SLOPE_POINTS} slope points, non-finite numbers as null, and the oldest
 * points dropped until the item fits {@link MAX_STATE_ITEM_BYTES}.
 *
 * @param ttlSeconds - how long after the container was last seen the item may expire
 * @param writtenAtSeconds - wall-clock time of the write. DynamoDB compares `expiresAt` with its
 *   own clock, so the expiry counts from the later of this and `state.lastSeenAt`. A state from
 *   the check of a past instant (a backfill, a late retry) is then not deleted right away.
 */
export function encodeStateItem(state: AlertState, ttlSeconds: number, writtenAtSeconds: number): StateItem {
  let history = state.slopeHistory.slice(-MAX_STORED_SLOPE_POINTS);
  const expiresAt = Math.ceil(Math.max(state.lastSeenAt, writtenAtSeconds) + ttlSeconds);

  for (;;) {
    const item = buildItem(state, history, expiresAt);
    if (estimateItemBytes(item as unknown as Record<string, unknown>) <= MAX_STATE_ITEM_BYTES || history.length === 0) {
      return item;
    }
    history = history.slice(Math.ceil(history.length / 4));
  }
}

function buildItem(state: AlertState, history: AlertState['slopeHistory'], expiresAt: number): StateItem {
  const slopeBaseT = history.length > 0 ? history[0].t : state.lastSeenAt;
  return {
    pk: statePartitionKey(state.id),
    sk: idKey(state.id),
    formatVersion: STATE_ITEM_FORMAT,
    id: state.id,
    labels: clipLabels(state.labels),
    notifiedSeverity: state.notifiedSeverity,
    lastNotifiedAt: finiteOrNull(state.lastNotifiedAt),
    pendingChecks: state.pendingChecks,
    clearChecks: state.clearChecks,
    lastHoursToLimit: finiteOrNull(state.lastHoursToLimit),
    slopeBaseT,
    slopeOffsetsSeconds: history.map((point) => point.t - slopeBaseT),
    slopesBytesPerHour: history.map((point) => finiteOrNull(point.slopeBytesPerHour)),
    lastSeenAt: state.lastSeenAt,
    expiresAt,
  };
}

/**
 * Reads a stored item back into an alert state.
 *
 * @returns the state, or a sentence saying why the item is unusable
 */
export function decodeStateItem(item: Record<string, unknown>): AlertState | string {
  if (item.formatVersion !== STATE_ITEM_FORMAT) {
    return `state item "${String(item.sk)}" has format ${String(item.formatVersion)}, expected ${STATE_ITEM_FORMAT}`;
  }
  const offsets = item.slopeOffsetsSeconds;
  const slopes = item.slopesBytesPerHour;
  const valid =
    typeof item.id === 'string' &&
    isStringMap(item.labels) &&
    SEVERITIES.includes(item.notifiedSeverity as Severity) &&
    isNumberOrNull(item.lastNotifiedAt) &&
    typeof item.pendingChecks === 'number' &&
    typeof item.clearChecks === 'number' &&
    isNumberOrNull(item.lastHoursToLimit) &&
    typeof item.slopeBaseT === 'number' &&
    Array.isArray(offsets) &&
    Array.isArray(slopes) &&
    offsets.length === slopes.length &&
    typeof item.lastSeenAt === 'number';
  if (!valid) {
    return `state item "${String(item.sk)}" is missing fields or has fields of the wrong type`;
  }

  const slopeBaseT = item.slopeBaseT as number;
  return {
    id: item.id as string,
    labels: item.labels as Record<string, string>,
    notifiedSeverity: item.notifiedSeverity as Severity,
    lastNotifiedAt: item.lastNotifiedAt as number | null,
    pendingChecks: item.pendingChecks as number,
    clearChecks: item.clearChecks as number,
    lastHoursToLimit: item.lastHoursToLimit as number | null,
    slopeHistory: (offsets as number[]).map((offset, index) => ({
      t: slopeBaseT + offset,
      slopeBytesPerHour: (slopes as (number | null)[])[index],
    })),
    lastSeenAt: item.lastSeenAt as number,
  };
}

/**
 * Bounds a label map: at most 32 labels (namespace, pod and container first, then by name),
 * names cut to 128 bytes and values to 512 bytes. Kubernetes names are at most 253 characters,
 * so real labels pass unchanged; the bound stops an odd custom query from bloating the item.
 */
export function clipLabels(labels: Record<string, string>): Record<string, string> {
  const names = Object.keys(labels).sort((a, b) => labelRank(a) - labelRank(b) || a.localeCompare(b));
  const clipped: Record<string, string> = {};
  for (const name of names.slice(0, MAX_LABELS)) {
    clipped[truncateUtf8(name, MAX_LABEL_NAME_BYTES)] = truncateUtf8(String(labels[name]), MAX_LABEL_VALUE_BYTES);
  }
  return clipped;
}

function labelRank(name: string): number {
  const index = PRIORITY_LABELS.indexOf(name);
  return index === -1 ? PRIORITY_LABELS.length : index;
}

/** DynamoDB rejects NaN and Infinity, so they are stored as null ("unknown"). */
function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function isNumberOrNull(value: unknown): boolean {
  return value === null || typeof value === 'number';
}

function isStringMap(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}
