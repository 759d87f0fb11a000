// The regency's indicators for a period: cards with growth, coverage, kecamatan and villages, a 12-period trend.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import i18next from 'i18next';
import { api } from '../api.js';
import { dateTime, lastCompleteMonth, period, periodChoices } from '../format.js';
import { COVERAGE, Cards, FigureTable, HEADLINE, SUPPORT, TREND_CHOICES, TrendChart, series } from '../figures.js';
import { Loading, PageTitle, Problem, Select, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);

export function PeriodPicker({ value, onChange }) {
  return html`<${Select} id="period" label=${t('period')} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}
    options=${periodChoices().map((p) => [p, period(p)])} />`;
}

export function TrendPicker({ value, onChange }) {
  return html`<${Select} id="trend-indicator" label=${t('chart.indicator')} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}
    options=${TREND_CHOICES.map((n) => [n, t(`ind.${n}`)])} />`;
}

export function Indicators({ me }) {
  const [chosen, setChosen] = useState(lastCompleteMonth());
  const [trend, setTrend] = useState('visits');
  const [sortK, setSortK] = useState(['name', 1]);
  const [sortV, setSortV] = useState(['name', 1]);
  const operator = me.role === 'operator';
  const state = useLoad(async () => {
    const levels = operator ? ['village'] : ['regency', 'kecamatan', 'village'];
    const answers = await Promise.all(levels.map((level) => api.get('/v1/indicators', { period: chosen, level })));
    return { period: chosen, ...Object.fromEntries(levels.map((level, i) => [level, answers[i].items])) };
  }, [chosen]);
  const trendState = useLoad(() => (operator ? Promise.resolve(null) : series('/v1/indicators', { level: 'regency' }, chosen)), [chosen]);
  const regency = state.data?.regency?.[0];
  return html`<div class="page">
    <${PageTitle}>${t('indicators.title')}</${PageTitle}>
    <div class="filters"><${PeriodPicker} value=${chosen} onChange=${setChosen} /></div>
    ${state.loading && html`<${Loading} />`}
    <${Problem} error=${state.error} onRetry=${state.reload} />
    ${state.data && html`
      ${regency ? html`<section aria-labelledby="regency-title">
        <h2 id="regency-title">${regency.scope.name} · ${period(state.data.period)}</h2>
        <p class="muted">${t('as_of')} ${dateTime(regency.computed_at)}</p>
        <${Cards} indicators=${regency.indicators} names=${HEADLINE} />
        <h3>${t('indicators.coverage')}</h3><${Cards} indicators=${regency.indicators} names=${COVERAGE} />
        <h3>${t('indicators.support')}</h3><${Cards} indicators=${regency.indicators} names=${SUPPORT} />
      </section>` : !operator && html`<p class="notice">${t('indicators.none_yet')}</p>`}
      ${state.data.kecamatan && html`<${FigureTable} items=${state.data.kecamatan} sort=${sortK} onSort=${setSortK} caption=${t('indicators.kecamatan')} />`}
      <${FigureTable} items=${state.data.village} sort=${sortV} onSort=${setSortV} caption=${t('indicators.villages')} />`}
    ${!operator && html`<section aria-labelledby="trend-title"><h2 id="trend-title">${t('chart.title')}</h2>
      <div class="filters"><${TrendPicker} value=${trend} onChange=${setTrend} /></div>
      ${trendState.loading && html`<${Loading} />`}<${Problem} error=${trendState.error} onRetry=${trendState.reload} />
      ${trendState.data && html`<${TrendChart} points=${trendState.data} indicator=${trend} label=${t(`ind.${trend}`)} />`}</section>`}
  </div>`;
}
