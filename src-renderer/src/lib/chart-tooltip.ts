/**
 * The cost chart's tooltip as DOM nodes. ECharts' own tooltip writes its rows as HTML with
 * `style="..."` attributes (through innerHTML), which the window's Content-Security-Policy (no
 * inline styles) refuses: the rows lose their layout and the colour markers vanish. A formatter
 * that returns an element is appended as it is, so the rows are built here with classes
 * (styles.css: .chart-tooltip) and the one per-row style, the marker's colour, is set through
 * the CSSOM, which the policy allows.
 */

/** One series at the pointer, as ECharts hands it to an axis tooltip's formatter. */
export interface AxisTooltipItem {
  seriesName?: string;
  /** The series colour (a CSS colour string for our line series). */
  color?: unknown;
  /** The data item: [x, y] for our line series. */
  value?: unknown;
  /** The axis value under the pointer (the step). */
  axisValue?: unknown;
}

/**
 * The tooltip for the series at one axis position: a heading (`heading(axisValue)`), then one row
 * per series: colour marker, series name, y value written by `format`.
 */
export function axisTooltipElement(
  items: readonly AxisTooltipItem[],
  heading: (axisValue: unknown) => string,
  format: (y: unknown) => string,
): HTMLElement {
  const box = document.createElement('div');
  box.className = 'chart-tooltip';
  const head = document.createElement('div');
  head.className = 'chart-tooltip-head';
  head.textContent = heading(items[0]?.axisValue);
  box.append(head);
  for (const item of items) {
    const row = document.createElement('div');
    row.className = 'chart-tooltip-row';
    const marker = document.createElement('span');
    marker.className = 'chart-tooltip-marker';
    if (typeof item.color === 'string') marker.style.backgroundColor = item.color;
    const name = document.createElement('span');
    name.className = 'chart-tooltip-name';
    name.textContent = item.seriesName ?? '';
    const value = document.createElement('span');
    value.className = 'chart-tooltip-value';
    value.textContent = format(Array.isArray(item.value) ? item.value[1] : item.value);
    row.append(marker, name, value);
    box.append(row);
  }
  return box;
}
