/** Plain-text tables for benchmark output. */

/** Column alignment: text columns read best left-aligned, figures right-aligned. */
export type Alignment = 'left' | 'right';

/**
 * Renders rows as a table with a header line and a dashed rule, columns padded to their widest
 * cell and separated by two spaces.
 *
 * @param alignments - one per column; columns without one are left-aligned
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], alignments: readonly Alignment[] = []): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const renderRow = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (alignments[column] === 'right' ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();

  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [renderRow(headers), rule, ...rows.map(renderRow)].join('\n');
}

/** Renders a table as Markdown, for docs/benchmarks.md. */
export function renderMarkdownTable(headers: readonly string[], rows: readonly (readonly string[])[], alignments: readonly Alignment[] = []): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const rule = headers.map((_, column) => (alignments[column] === 'right' ? '---:' : '---'));
  return [headers, rule, ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}
