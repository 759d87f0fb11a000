// Download what the dashboard shows, as CSV (one row per scope, every indicator's value and growth) or JSON.
export const INDICATOR_NAMES = [
  'visits', 'activities', 'participants', 'participants_women', 'participants_youth', 'participants_entrepreneurs', 'participants_disabled',
  'media_mentions', 'partnerships_new', 'partnerships_active', 'ict_sessions', 'internet_users', 'villages_registered', 'villages_reporting',
  'villages_expected', 'reporting_rate_pct', 'villages_reporting_on_time', 'timeliness_pct', 'commitments_made', 'commitments_fulfilled', 'budget_committed_idr', 'budget_realized_idr',
];

const cell = (v) => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(items) {
  const head = ['level', 'code', 'name', 'period', 'computed_at', ...INDICATOR_NAMES.flatMap((n) => [n, `${n}_change_pct`, `${n}_yoy_change_pct`])];
  const rows = items.map((i) => [i.scope.level, i.scope.code, i.scope.name, i.period, i.computed_at,
    ...INDICATOR_NAMES.flatMap((n) => [i.indicators[n]?.value, i.indicators[n]?.change_pct, i.indicators[n]?.yoy_change_pct])]);
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function download(name, items, format) {
  const body = format === 'csv' ? toCsv(items) : JSON.stringify({ items }, null, 2);
  const url = URL.createObjectURL(new Blob([body], { type: format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
