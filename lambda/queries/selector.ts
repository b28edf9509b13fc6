/**
 * The user's `--selector`: extra label matchers such as `namespace="dojo",container!="istio-proxy"`
 * that every default query carries.
 */
import { UsageError } from '../config/units';

/** One PromQL label matcher, with its value kept as the string literal the user typed. */
export interface LabelMatcher {
  readonly name: string;
  readonly operator: '=' | '!=' | '=~' | '!~';
  /** The quoted literal as written (`"dojo"`, `'dojo'` or a backtick string), so re-emitting it needs no escaping. */
  readonly literal: string;
}

const MATCHER =
  /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)\s*(,|$)/;

/**
 * Parses a list of label matchers, with or without surrounding braces.
 *
 * @param optionName - the option that carried the text, quoted in the error
 * @throws UsageError when the text is not a comma-separated list of matchers
 */
export function parseSelector(text: string | undefined, optionName = '--selector'): LabelMatcher[] {
  const trimmed = (text ?? '').trim();
  let rest = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1) : trimmed;
  const matchers: LabelMatcher[] = [];

  while (rest.trim() !== '') {
    const match = MATCHER.exec(rest);
    if (match === null) {
      throw new UsageError(
        `${optionName} "${text}": expected label matchers such as namespace="dojo" or namespace=~"dojo|shop",container!="istio-proxy"`,
      );
    }
    matchers.push({ name: match[1], operator: match[2] as LabelMatcher['operator'], literal: match[3] });
    rest = rest.slice(match[0].length);
  }
  return matchers;
}

/** Formats matchers for the inside of braces: `a="b",c!="d"`. */
export function formatMatchers(matchers: readonly LabelMatcher[]): string {
  return matchers.map((matcher) => `${matcher.name}${matcher.operator}${matcher.literal}`).join(',');
}

/** Builds `metric{fixed,matchers}`, leaving out the braces when both are empty. */
export function metricSelector(metric: string, fixedMatchers: readonly string[], matchers: readonly LabelMatcher[]): string {
  const parts = [...fixedMatchers, ...(matchers.length > 0 ? [formatMatchers(matchers)] : [])];
  return parts.length === 0 ? metric : `${metric}{${parts.join(',')}}`;
}

/** Keeps the matchers whose label the metric carries; see the label sets in default-queries. */
export function matchersWithout(matchers: readonly LabelMatcher[], absentLabels: ReadonlySet<string>): LabelMatcher[] {
  return matchers.filter((matcher) => !absentLabels.has(matcher.name));
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function quoteLiteral(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Builds the matcher that selects exactly these label values: `=` for one, an escaped `=~` alternation for several. */
export function labelValuesMatcher(name: string, values: readonly string[]): LabelMatcher {
  const unique = [...new Set(values)];
  if (unique.length === 1) {
    return { name, operator: '=', literal: quoteLiteral(unique[0]) };
  }
  return { name, operator: '=~', literal: quoteLiteral(unique.map(escapeRegex).join('|')) };
}
