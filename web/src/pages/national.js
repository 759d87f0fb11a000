// The national transformation dashboard: headline cards with growth, a trend, provinces drilling down to
// regencies, "data as of" with a staleness warning, and CSV/JSON downloads of what is shown.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import i18next from 'i18next';
import { api } from '../api.js';
import { dateTime, lastCompleteMonth, period } from '../format.js';
import { COVERAGE, Cards, FigureTable, HEADLINE, SUPPORT, TrendChart, series } from '../figures.js';
import { INDICATOR_NAMES, download } from '../download.js';
import { Loading, PageTitle, Problem, useLoad } from '../ui.js';
import { PeriodPicker, TrendPicker } from './indicators.js';

const t = (k, o) => i18next.t(k, o);

function AsOf() {
  const state = useLoad(() => api.get('/v1/national/status'), []);
  if (state.loading) return html`<${Loading} />`;
  if (state.error) return html`<${Problem} error=${state.error} onRetry=${state.reload} />`;
  const { last_run_at: last, interval_seconds: interval } = state.data;
  const stale = !last || (interval && Date.now() - new Date(last).getTime() > 3 * interval * 1000);
  return html`<p class=${stale ? 'notice warn' : 'muted'} data-testid="as-of" role=${stale ? 'alert' : undefined}>
    ${last ? `${t('as_of')} ${dateTime(last)}` : t('national.never')}${stale && last ? ` — ${t('national.stale', { minutes: Math.round((3 * interval) / 60) })}` : ''}
  </p>`;
}

export function National() {
  const [chosen, setChosen] = useState(lastCompleteMonth());
  const [trend, setTrend] = useState('visits');
  const [province, setProvince] = useState(null);
  const [sort, setSort] = useState(['name', 1]);
  const areas = useRef(null);
  const opened = useRef(false); // whether the user has drilled in or out yet (the first render keeps the page's focus)
  const drill = (scope) => { opened.current = true; setProvince(scope); };
  useEffect(() => { if (opened.current) areas.current?.focus(); }, [province]); // the table it replaced was where the keyboard was
  const state = useLoad(async () => {
    const [nation, provinces, regencies] = await Promise.all(['national', 'province', 'regency'].map((level) => api.get('/v1/national/indicators', { period: chosen, level })));
    return { period: chosen, nation: nation.items[0] || null, provinces: provinces.items, regencies: regencies.items };
  }, [chosen]);
  const trendState = useLoad(() => series('/v1/national/indicators', { level: 'national' }, chosen), [chosen]);
  const shown = state.data ? (province ? state.data.regencies.filter((r) => r.scope.code.startsWith(`${province.code}.`)) : state.data.provinces) : [];
  // named by the period of the figures shown: while another period loads, they are still the last one's
  const file = `tpbis-${state.data?.period}-${province ? province.code : 'provinces'}`;
  return html`<div class="page">
    <${PageTitle}>${t('national.title')}</${PageTitle}>
    <div class="filters"><${PeriodPicker} value=${chosen} onChange=${(p) => { setChosen(p); }} /></div>
    <${AsOf} />
    ${state.loading && html`<${Loading} />`}
    <${Problem} error=${state.error} onRetry=${state.reload} />
    ${state.data && html`
      <section aria-labelledby="nation-title"><h2 id="nation-title">${t('national.nation')} · ${period(state.data.period)}</h2>
        ${state.data.nation ? html`<${Cards} indicators=${state.data.nation.indicators} names=${HEADLINE} />
          <h3>${t('indicators.support')}</h3><${Cards} indicators=${state.data.nation.indicators} names=${SUPPORT} />
          <h3>${t('indicators.coverage')}</h3><${Cards} indicators=${state.data.nation.indicators} names=${COVERAGE} />`
          : html`<p class="notice">${t('national.no_data')}</p>`}
      </section>
      <section aria-labelledby="areas-title"><h2 id="areas-title" tabindex="-1" ref=${areas}>${province ? `${t('national.regencies_of')} ${province.name}` : t('national.provinces')}</h2>
        <div class="row">
          ${province && html`<button class="btn secondary" onClick=${() => drill(null)}>← ${t('national.all_provinces')}</button>`}
          <button class="btn secondary" onClick=${() => download(`${file}.csv`, shown, 'csv')}>${t('national.download_csv')}</button>
          <button class="btn secondary" onClick=${() => download(`${file}.json`, shown, 'json')}>${t('national.download_json')}</button>
        </div>
        <${FigureTable} items=${shown} sort=${sort} onSort=${setSort} caption=${province ? province.name : t('national.provinces')}
          onOpen=${province ? null : (item) => { drill(item.scope); setSort(['name', 1]); }} />
        <p class="muted">${t('national.columns', { count: INDICATOR_NAMES.length })}</p>
      </section>`}
    <section aria-labelledby="trend-title"><h2 id="trend-title">${t('chart.title')}</h2>
      <div class="filters"><${TrendPicker} value=${trend} onChange=${setTrend} /></div>
      ${trendState.loading && html`<${Loading} />`}<${Problem} error=${trendState.error} onRetry=${trendState.reload} />
      ${trendState.data && html`<${TrendChart} points=${trendState.data} indicator=${trend} label=${t(`ind.${trend}`)} />`}</section>
  </div>`;
}
