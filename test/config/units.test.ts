import {
  UsageError,
  formatBytes,
  formatInstant,
  parseBytes,
  parseDurationSeconds,
  parseInstant,
} from '../../lambda/config/units';

describe('units', () => {
  test.each([
    ['7d', 604800],
    ['36h', 129600],
    ['90m', 5400],
    ['1h30m', 5400],
    ['2w', 1209600],
    ['45s', 45],
  ])('parses the duration %s', (text, seconds) => {
    expect(parseDurationSeconds(text, '--lookback')).toBe(seconds);
  });

  test.each(['7', 'd', '7x', '-1h', '0h', '1h 30m', ''])('rejects the duration %j', (text) => {
    expect(() => parseDurationSeconds(text, '--lookback')).toThrow(UsageError);
  });

  test.each([
    ['512MiB', 536870912],
    ['2GiB', 2147483648],
    ['2Gi', 2147483648],
    ['1.5G', 1500000000],
    ['2147483648', 2147483648],
    ['6gib', 6442450944],
  ])('parses the size %s', (text, bytes) => {
    expect(parseBytes(text, '--limit')).toBe(bytes);
  });

  test.each(['', 'GiB', '2XB', '-1Gi', '0'])('rejects the size %j', (text) => {
    expect(() => parseBytes(text, '--limit')).toThrow(UsageError);
  });

  test('parses RFC 3339 and Unix seconds to the same instant', () => {
    expect(parseInstant('2026-12-01T00:00:00Z', '--at')).toBe(1796083200);
    expect(parseInstant('2026-12-01T01:00:00+01:00', '--at')).toBe(1796083200);
    expect(parseInstant('1796083200', '--at')).toBe(1796083200);
  });

  test('formats bytes with binary units', () => {
    expect(formatBytes(6442450944)).toBe('6.0 GiB');
    expect(formatBytes(536870912)).toBe('512 MiB');
    expect(formatBytes(1500)).toBe('1.5 KiB');
    expect(formatBytes(12)).toBe('12 B');
  });

  test('formats instants as RFC 3339 UTC', () => {
    expect(formatInstant(1796083200)).toBe('2026-12-01T00:00:00Z');
  });
});
