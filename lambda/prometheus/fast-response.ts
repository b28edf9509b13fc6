/**
 * A parser for successful query responses that builds series straight from the response bytes.
 *
 * `JSON.parse` first builds an array and a string for every sample, and a week of hourly points
 * for thousands of containers is millions of samples: that tree cost more memory than the
 * samples themselves and much of the client's time. This parser reads the common shape of a
 * Prometheus response directly into {@link PromSeries}. Whatever it does not expect (a body that
 * is not a success, a result type other than matrix or vector, keys in another order, invalid
 * JSON) makes it return undefined, and the caller parses the body the general way. Its results
 * are those of `JSON.parse` followed by `parseQueryData`.
 */
import type { Sample } from '../types';
import type { ParseCounts, PromSeries } from './response';

/** The parts of a success response that the client uses. */
export interface ParsedQueryResponse {
  readonly series: PromSeries[];
  /** The `warnings` member as sent, usually undefined or a list of strings. */
  readonly warnings: unknown;
}

/** Thrown inside the parser to give up on the fast path; never leaves this module. */
class NotTheFastShape extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Integers of at most this many digits are exact in a double, so they need no `Number()` call. */
const MAX_EXACT_DIGITS = 15;

const ESCAPES: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

/**
 * Gives up on a key seen twice in one object: `JSON.parse` keeps the last value, but the samples
 * of the first would already be counted.
 */
function rejectRepeated(seen: Set<string>, key: string): void {
  if (seen.has(key)) {
    throw new NotTheFastShape();
  }
  seen.add(key);
}

class ResponseReader {
  private position = 0;
  readonly counts: ParseCounts = { samplesRead: 0, nonFiniteSamplesDropped: 0 };

  constructor(private readonly body: Buffer) {}

  /** Reads the top-level object; returns undefined unless it is a success with a matrix or vector. */
  readResponse(): ParsedQueryResponse | undefined {
    let status: unknown;
    let series: PromSeries[] | undefined;
    let warnings: unknown;
    const seen = new Set<string>();
    this.readObjectMembers((key) => {
      rejectRepeated(seen, key);
      if (key === 'status') {
        status = this.readValue();
      } else if (key === 'data') {
        series = this.readData();
      } else if (key === 'warnings') {
        warnings = this.readValue();
      } else {
        this.readValue();
      }
    });
    this.skipWhitespace();
    if (this.position !== this.body.length || status !== 'success' || series === undefined) {
      return undefined;
    }
    return { series, warnings };
  }

  /** Reads `data`: its result type must come before the result. */
  private readData(): PromSeries[] {
    let resultType: unknown;
    let series: PromSeries[] | undefined;
    const seen = new Set<string>();
    this.readObjectMembers((key) => {
      rejectRepeated(seen, key);
      if (key === 'resultType') {
        resultType = this.readValue();
      } else if (key === 'result') {
        if (resultType !== 'matrix' && resultType !== 'vector') {
          throw new NotTheFastShape();
        }
        series = this.readResult(resultType);
      } else {
        this.readValue();
      }
    });
    if (series === undefined) {
      throw new NotTheFastShape();
    }
    return series;
  }

  private readResult(resultType: 'matrix' | 'vector'): PromSeries[] {
    const series: PromSeries[] = [];
    this.readArrayElements(() => {
      let labels: Record<string, string> = {};
      let samples: Sample[] = [];
      const seen = new Set<string>();
      this.readObjectMembers((key) => {
        rejectRepeated(seen, key);
        if (key === 'metric') {
          const metric = this.readValue();
          if (metric !== null && (typeof metric !== 'object' || Array.isArray(metric))) {
            throw new NotTheFastShape();
          }
          labels = (metric ?? {}) as Record<string, string>;
        } else if (resultType === 'matrix' && key === 'values') {
          samples = this.readPointList();
        } else if (resultType === 'vector' && key === 'value') {
          const sample = this.readPoint();
          samples = sample === undefined ? [] : [sample];
        } else {
          this.readValue();
        }
      });
      if (samples.length > 0) {
        series.push({ labels, samples });
      }
    });
    return series;
  }

  /** Reads a list of points; a `values` member that is no list gives none, as `parsePoints` treats it. */
  private readPointList(): Sample[] {
    const samples: Sample[] = [];
    if (this.peek() !== OPEN_BRACKET) {
      this.readValue();
      return samples;
    }
    this.readArrayElements(() => {
      const sample = this.readPoint();
      if (sample !== undefined) {
        samples.push(sample);
      }
    });
    return samples;
  }

  /**
   * Reads one `[time, "value"]` point, the plain shape without escapes directly, anything else
   * as a general value judged as `parsePoint` judges it.
   */
  private readPoint(): Sample | undefined {
    const start = this.position;
    const fast = this.tryReadPlainPoint();
    if (fast !== undefined) {
      return fast ?? undefined;
    }
    this.position = start;
    return this.judgePoint(this.readValue());
  }

  /** @returns the sample, null for a plain point with a value that is not finite, undefined for another shape */
  private tryReadPlainPoint(): Sample | null | undefined {
    this.skipWhitespace();
    if (this.body[this.position] !== OPEN_BRACKET) {
      return undefined;
    }
    this.position += 1;
    this.skipWhitespace();
    const first = this.body[this.position];
    if (first !== MINUS && (first < ZERO || first > NINE)) {
      return undefined;
    }
    const t = this.readNumber();
    this.skipWhitespace();
    if (this.body[this.position] !== COMMA) {
      return undefined;
    }
    this.position += 1;
    this.skipWhitespace();
    if (this.body[this.position] !== QUOTE) {
      return undefined;
    }
    const textStart = this.position + 1;
    let end = textStart;
    while (end < this.body.length && this.body[end] !== QUOTE && this.body[end] !== BACKSLASH && this.body[end] >= 0x20) {
      end += 1;
    }
    if (this.body[end] !== QUOTE) {
      return undefined;
    }
    this.position = end + 1;
    this.skipWhitespace();
    if (this.body[this.position] !== CLOSE_BRACKET) {
      return undefined;
    }
    this.position += 1;

    const v = this.plainNumberText(textStart, end);
    if (!Number.isFinite(v)) {
      this.counts.nonFiniteSamplesDropped += 1;
      return null;
    }
    this.counts.samplesRead += 1;
    return { t, v };
  }

  /** `Number(text)` of a string's bytes, with plain digit strings converted without a string. */
  private plainNumberText(start: number, end: number): number {
    const length = end - start;
    if (length > 0 && length <= MAX_EXACT_DIGITS) {
      let value = 0;
      let index = start;
      for (; index < end; index += 1) {
        const byte = this.body[index];
        if (byte < ZERO || byte > NINE) {
          break;
        }
        value = value * 10 + (byte - ZERO);
      }
      if (index === end) {
        return value;
      }
    }
    return Number(this.body.toString('utf8', start, end));
  }

  /** Applies the rules of `parsePoint` to a point in any shape. */
  private judgePoint(point: unknown): Sample | undefined {
    if (!Array.isArray(point) || point.length < 2) {
      return undefined;
    }
    const [t, text] = point as [unknown, unknown];
    const v = Number(text);
    if (typeof t !== 'number' || typeof text !== 'string' || !Number.isFinite(v)) {
      this.counts.nonFiniteSamplesDropped += 1;
      return undefined;
    }
    this.counts.samplesRead += 1;
    return { t, v };
  }

  /** Reads an object, calling `onMember` positioned at each member's value. */
  private readObjectMembers(onMember: (key: string) => void): void {
    this.skipWhitespace();
    this.expect(OPEN_BRACE);
    this.skipWhitespace();
    if (this.body[this.position] === CLOSE_BRACE) {
      this.position += 1;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      const key = this.readString();
      this.skipWhitespace();
      this.expect(COLON);
      onMember(key);
      this.skipWhitespace();
      if (this.body[this.position] === COMMA) {
        this.position += 1;
        continue;
      }
      this.expect(CLOSE_BRACE);
      return;
    }
  }

  /** Reads an array, calling `onElement` positioned at each element. */
  private readArrayElements(onElement: () => void): void {
    this.skipWhitespace();
    this.expect(OPEN_BRACKET);
    this.skipWhitespace();
    if (this.body[this.position] === CLOSE_BRACKET) {
      this.position += 1;
      return;
    }
    for (;;) {
      onElement();
      this.skipWhitespace();
      if (this.body[this.position] === COMMA) {
        this.position += 1;
        continue;
      }
      this.expect(CLOSE_BRACKET);
      return;
    }
  }

  /** Reads any JSON value as `JSON.parse` would. */
  private readValue(): unknown {
    this.skipWhitespace();
    const byte = this.body[this.position];
    if (byte === OPEN_BRACE) {
      const object: Record<string, unknown> = {};
      this.readObjectMembers((key) => {
        // defineProperty keeps a "__proto__" key an own property, as JSON.parse does.
        Object.defineProperty(object, key, { value: this.readValue(), writable: true, enumerable: true, configurable: true });
      });
      return object;
    }
    if (byte === OPEN_BRACKET) {
      const array: unknown[] = [];
      this.readArrayElements(() => array.push(this.readValue()));
      return array;
    }
    if (byte === QUOTE) {
      return this.readString();
    }
    if (byte === MINUS || (byte >= ZERO && byte <= NINE)) {
      return this.readNumber();
    }
    for (const [literal, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.body.toString('latin1', this.position, this.position + literal.length) === literal) {
        this.position += literal.length;
        return value;
      }
    }
    throw new NotTheFastShape();
  }

  /** Reads a number token, checking the JSON grammar. */
  private readNumber(): number {
    const start = this.position;
    if (this.body[this.position] === MINUS) {
      this.position += 1;
    }
    const integerStart = this.position;
    this.skipDigits();
    const integerDigits = this.position - integerStart;
    if (integerDigits === 0 || (integerDigits > 1 && this.body[integerStart] === ZERO)) {
      throw new NotTheFastShape();
    }
    let plainInteger = true;
    if (this.body[this.position] === 0x2e) {
      plainInteger = false;
      this.position += 1;
      this.requireDigits();
    }
    if (this.body[this.position] === 0x65 || this.body[this.position] === 0x45) {
      plainInteger = false;
      this.position += 1;
      if (this.body[this.position] === 0x2b || this.body[this.position] === MINUS) {
        this.position += 1;
      }
      this.requireDigits();
    }
    if (plainInteger && integerDigits <= MAX_EXACT_DIGITS) {
      let value = 0;
      for (let index = integerStart; index < this.position; index += 1) {
        value = value * 10 + (this.body[index] - ZERO);
      }
      return start === integerStart ? value : -value;
    }
    return Number(this.body.toString('latin1', start, this.position));
  }

  private skipDigits(): void {
    while (this.body[this.position] >= ZERO && this.body[this.position] <= NINE) {
      this.position += 1;
    }
  }

  private requireDigits(): void {
    const start = this.position;
    this.skipDigits();
    if (this.position === start) {
      throw new NotTheFastShape();
    }
  }

  /** Reads a string token, decoding escapes and UTF-8 as `JSON.parse` of the decoded text would. */
  private readString(): string {
    this.expect(QUOTE);
    const start = this.position;
    let end = start;
    while (end < this.body.length && this.body[end] !== QUOTE && this.body[end] !== BACKSLASH) {
      if (this.body[end] < 0x20) {
        throw new NotTheFastShape();
      }
      end += 1;
    }
    if (this.body[end] === QUOTE) {
      this.position = end + 1;
      return this.body.toString('utf8', start, end);
    }

    // Escapes: decode the plain runs as UTF-8 and the escapes one by one.
    let text = '';
    let runStart = start;
    let index = start;
    for (;;) {
      if (index >= this.body.length) {
        throw new NotTheFastShape();
      }
      const byte = this.body[index];
      if (byte === QUOTE) {
        this.position = index + 1;
        return text + this.body.toString('utf8', runStart, index);
      }
      if (byte < 0x20) {
        throw new NotTheFastShape();
      }
      if (byte !== BACKSLASH) {
        index += 1;
        continue;
      }
      text += this.body.toString('utf8', runStart, index);
      const escape = this.body[index + 1];
      if (escape === 0x75) {
        const hex = this.body.toString('latin1', index + 2, index + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new NotTheFastShape();
        }
        text += String.fromCharCode(parseInt(hex, 16));
        index += 6;
      } else if (ESCAPES[escape] !== undefined) {
        text += ESCAPES[escape];
        index += 2;
      } else {
        throw new NotTheFastShape();
      }
      runStart = index;
    }
  }

  private peek(): number {
    this.skipWhitespace();
    return this.body[this.position];
  }

  private skipWhitespace(): void {
    for (;;) {
      const byte = this.body[this.position];
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
        return;
      }
      this.position += 1;
    }
  }

  private expect(byte: number): void {
    if (this.body[this.position] !== byte) {
      throw new NotTheFastShape();
    }
    this.position += 1;
  }
}

/**
 * Parses the body of a successful query response into series, adding to `counts` as
 * `parseQueryData` does.
 *
 * @returns the series and warnings, or undefined when the body is not a success with a matrix
 *   or vector result in the usual shape. Parse such a body with `JSON.parse` and `parseQueryData`.
 */
export function parseQueryResponse(body: Buffer, counts: ParseCounts): ParsedQueryResponse | undefined {
  const reader = new ResponseReader(body);
  let parsed: ParsedQueryResponse | undefined;
  try {
    parsed = reader.readResponse();
  } catch (error) {
    if (error instanceof NotTheFastShape || error instanceof RangeError) {
      return undefined;
    }
    throw error;
  }
  if (parsed !== undefined) {
    counts.samplesRead += reader.counts.samplesRead;
    counts.nonFiniteSamplesDropped += reader.counts.nonFiniteSamplesDropped;
  }
  return parsed;
}
