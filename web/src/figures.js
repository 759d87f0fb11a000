// Indicator cards, growth, figure tables and the trend chart (Chart.js), shared by the console and the dashboard.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import i18next from 'i18next';
import { CategoryScale, Chart, Filler, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import { api } from './api.js';
import { idr, num, pct, periodShort, periodsBefore } from './format.js';
import { TableWrap } from './ui.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Filler);
const t = (k, o) => i18next.t(k, o);

/** The four TPBIS indicators, then stakeholder support and coverage. */
export const HEADLINE = ['visits', 'participants', 'media_mentions', 'partnerships_active'];
export const SUPPORT = ['commitments_made', 'commitments_fulfilled', 'budget_committed_idr'];
export const COVERAGE = ['villages_registered', 'villages_expected', 'villages_reporting', 'reporting_rate_pct', 'villages_reporting_on_time', 'timeliness_pct'];
export const TREND_CHOICES = [...HEADLINE, 'activities', 'partnerships_new', 'ict_sessions', 'commitments_made', 'villages_reporting', 'reporting_rate_pct', 'timeliness_pct'];

export const show = (name, value) => (value === null || value === undefined ? '–' : name.endsWith('_idr') ? idr(value) : name.endsWith('_pct') ? `${num(value, 1)} %` : num(value));

function Growth({ block }) {
  const kind = (v) => (v === null || v === undefined ? '' : v > 0 ? 'up' : v < 0 ? 'down' : '');
  return html`<p class="growth">
    <span class=${kind(block.change_pct)}>${t('growth.previous')}: ${pct(block.change_pct)}</span>
    <span class=${kind(block.yoy_change_pct)}>${t('growth.last_year')}: ${pct(block.yoy_change_pct)}</span>
    ${block.baseline_villages ? html`<span class=${kind(block.vs_baseline_pct)} data-testid="vs-baseline">${t('growth.baseline', { count: block.baseline_villages })}: ${pct(block.vs_baseline_pct)}</span>` : ''}
  </p>`;
}

export function Cards({ indicators, names }) {
  return html`<ul class="cards">${names.map((name) => html`<li class="card figure" data-indicator=${name}>
    <h3>${t(`ind.${name}`)}</h3>
    <p class="value" data-testid=${`value-${name}`}>${show(name, indicators[name].value)}</p>
    <${Growth} block=${indicators[name]} />
  </li>`)}</ul>`;
}

/** The same indicator of `count` periods up to `period` (oldest first), one read per period. */
export async function series(path, query, period, count = 12) {
  const periods = periodsBefore(period, count);
  const answers = await Promise.all(periods.map((p) => api.get(path, { ...query, period: p })));
  return periods.map((p, i) => ({ period: p, item: answers[i].items[0] || null }));
}

export function TrendChart({ points, indicator, label }) {
  const canvas = useRef(null);
  const chart = useRef(null);
  const values = points.map((p) => p.item?.indicators[indicator]?.value ?? null); // no figures: a gap, not a zero
  const labels = points.map((p) => periodShort(p.period));
  useEffect(() => {
    const data = { labels, datasets: [{ label, data: values, borderColor: '#0b6e4f', backgroundColor: 'rgba(11,110,79,0.12)', fill: true, tension: 0.25 }] };
    if (!chart.current) {
      chart.current = new Chart(canvas.current, {
        type: 'line', data,
        options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { tooltip: { callbacks: { label: (c) => show(indicator, c.parsed.y) } } },
          scales: { y: { beginAtZero: true, suggestedMax: 1, ticks: { precision: 0, callback: (v) => num(v) } } } },
      });
    } else {
      chart.current.data = data;
      chart.current.options.plugins.tooltip.callbacks.label = (c) => show(indicator, c.parsed.y);
      chart.current.update();
    }
  }, [JSON.stringify(values), JSON.stringify(labels), label]);
  useEffect(() => () => chart.current?.destroy(), []);
  return html`<figure class="chart">
    <div class="chart-box"><canvas ref=${canvas} role="img" aria-label=${`${label}: ${labels.map((l, i) => `${l} ${show(indicator, values[i])}`).join(', ')}`}></canvas></div>
    <figcaption>${label}</figcaption>
    <details><summary>${t('chart.as_table')}</summary>
      <table><thead><tr><th scope="col">${t('period')}</th><th scope="col">${label}</th></tr></thead>
      <tbody>${points.map((p, i) => html`<tr><td>${labels[i]}</td><td>${show(indicator, values[i])}</td></tr>`)}</tbody></table>
    </details>
  </figure>`;
}

/** Growth against the previous period and last year, small, under a table's figure. */
const Trend = ({ block }) => html`<span class="cell-growth" title=${`${t('growth.previous')} · ${t('growth.last_year')}`}>${pct(block.change_pct)} · ${pct(block.yoy_change_pct)}</span>`;

/** A table of scopes with the main figures (and their growth) and reporting rate; sortable by any column. */
export function FigureTable({ items, sort, onSort, onOpen, caption, growth = true, columns = [...HEADLINE, 'villages_registered', 'reporting_rate_pct'] }) {
  const sorted = [...items].sort((a, b) => {
    const [key, dir] = sort;
    const av = key === 'name' ? a.scope.name : a.indicators[key].value ?? -1;
    const bv = key === 'name' ? b.scope.name : b.indicators[key].value ?? -1;
    return (av < bv ? -1 : av > bv ? 1 : 0) * dir;
  });
  const head = (key, text) => {
    const active = sort[0] === key;
    return html`<th scope="col" aria-sort=${active ? (sort[1] > 0 ? 'ascending' : 'descending') : 'none'}>
      <button class="sort" onClick=${() => onSort([key, active ? -sort[1] : key === 'name' ? 1 : -1])}>${text}${active ? (sort[1] > 0 ? ' ▲' : ' ▼') : ''}</button></th>`;
  };
  return html`<${TableWrap}><table class="figures">
    <caption>${caption}</caption>
    <thead><tr>${head('name', t('scope'))}${columns.map((c) => head(c, t(`ind.${c}`)))}</tr></thead>
    <tbody>${sorted.length === 0 && html`<tr><td colspan=${columns.length + 1}>${t('no_figures')}</td></tr>`}
      ${sorted.map((i) => html`<tr data-code=${i.scope.code}><th scope="row">${onOpen ? html`<button class="btn link" onClick=${() => onOpen(i)}>${i.scope.name}</button>` : i.scope.name}
        <span class="muted"> ${i.scope.code}</span></th>${columns.map((c) => html`<td data-indicator=${c}><span class="cell-value">${show(c, i.indicators[c].value)}</span>${growth && !c.endsWith('_pct') ? html`<${Trend} block=${i.indicators[c]} />` : ''}</td>`)}</tr>`)}</tbody>
  </table></${TableWrap}>${growth && html`<p class="muted">${t('growth.legend')}</p>`}`;
}
