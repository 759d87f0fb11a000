// The regency's village libraries: who has reported this month, and registering more from the area list.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import i18next from 'i18next';
import { all, api } from '../api.js';
import { matches, regency } from '../areas.js';
import { can } from '../session.js';
import { dateTime, num, period, thisMonth } from '../format.js';
import { Badge, Button, Input, Loading, PageTitle, Problem, Select, TableWrap, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);
const SHOWN = 60;

function Register({ tenant, registered, onDone }) {
  const area = useLoad(() => regency(tenant), [tenant]);
  const [query, setQuery] = useState('');
  const [kecamatan, setKecamatan] = useState('');
  const [picked, setPicked] = useState(new Set());
  const [progress, setProgress] = useState(null);
  const candidates = useMemo(() => {
    if (!area.data) return [];
    const names = new Map(area.data.kecamatan.map((k) => [k.code, k.name]));
    return area.data.villages
      .filter((v) => !registered.has(v.code) && (!kecamatan || v.code.startsWith(`${kecamatan}.`)))
      .filter((v) => !query.trim() || matches(`${v.name} ${v.code} ${names.get(v.code.slice(0, 8))}`, query))
      .map((v) => ({ ...v, kecamatan: names.get(v.code.slice(0, 8)) }));
  }, [area.data, registered, query, kecamatan]);
  if (area.loading) return html`<${Loading} />`;
  if (area.error) return html`<${Problem} error=${area.error} onRetry=${area.reload} />`;
  const shown = candidates.slice(0, SHOWN);
  const toggle = (code) => { const next = new Set(picked); next.has(code) ? next.delete(code) : next.add(code); setPicked(next); };
  const byCode = new Map(area.data.villages.map((v) => [v.code, v.name]));
  const register = async () => {
    const codes = [...picked];
    const failed = [];
    setProgress({ done: 0, total: codes.length, failed });
    for (const [i, code] of codes.entries()) {
      try {
        await api.put(`/v1/villages/${code}`, { library_name: `${t('villages.library_prefix')} ${byCode.get(code)}` });
      } catch (error) {
        failed.push({ code, error });
      }
      setProgress({ done: i + 1, total: codes.length, failed });
    }
    setPicked(new Set(failed.map((f) => f.code)));
    onDone();
  };
  const busy = progress && progress.done < progress.total;
  return html`<section class="card" aria-labelledby="register-title">
    <h2 id="register-title">${t('villages.register_title')}</h2>
    <div class="filters">
      <${Input} id="village-search" label=${t('villages.search')} value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} hint=${t('villages.search_hint')} />
      <${Select} id="village-kecamatan" label=${t('villages.kecamatan')} value=${kecamatan} onChange=${(e) => setKecamatan(e.currentTarget.value)}
        options=${[['', t('villages.all_kecamatan')], ...area.data.kecamatan.map((k) => [k.code, `${k.name} (${k.code})`])]} />
    </div>
    <p class="muted">${t('villages.found', { count: candidates.length, shown: Math.min(SHOWN, candidates.length) })}</p>
    <fieldset class="checklist"><legend class="sr-only">${t('villages.choose')}</legend>
      ${shown.map((v) => html`<label class="check"><input type="checkbox" checked=${picked.has(v.code)} onChange=${() => toggle(v.code)} />
        <span>${v.name}</span> <span class="muted">${v.kecamatan} · ${v.code}</span></label>`)}
    </fieldset>
    <div class="row">
      <button type="button" class="btn secondary" onClick=${() => setPicked(new Set([...picked, ...shown.map((v) => v.code)]))} disabled=${!shown.length}>${t('villages.pick_shown')}</button>
      <${Button} onClick=${register} busy=${busy} disabled=${!picked.size}>${t('villages.register', { count: picked.size })}</${Button}>
    </div>
    ${progress && html`<p role="status">${t('villages.progress', { done: progress.done, total: progress.total })}</p>`}
    ${progress?.failed.map((f) => html`<${Problem} error=${{ ...f.error, message: `${f.code}: ${f.error.message}` }} />`)}
  </section>`;
}

export function Villages({ me }) {
  const month = thisMonth();
  const state = useLoad(async () => {
    const [villages, figures] = await Promise.all([all('/v1/villages'), api.get('/v1/indicators', { period: month, level: 'village' })]);
    return { villages, figures: new Map(figures.items.map((i) => [i.scope.code, i])) };
  }, []);
  const registered = useMemo(() => new Set((state.data?.villages || []).map((v) => v.village_code)), [state.data]);
  const asOf = state.data && [...state.data.figures.values()].map((i) => i.computed_at).filter(Boolean).sort().pop();
  return html`<div class="page">
    <${PageTitle}>${t('villages.title')}</${PageTitle}>
    ${state.loading && html`<${Loading} />`}
    <${Problem} error=${state.error} onRetry=${state.reload} />
    ${state.data && html`<section aria-labelledby="registered-title">
      <h2 id="registered-title">${t('villages.registered', { count: state.data.villages.length })}</h2>
      <p class="muted">${t('villages.reported_note', { month: period(month) })}${asOf ? ` · ${t('as_of')} ${dateTime(asOf)}` : ''}</p>
      ${state.data.villages.length === 0 ? html`<p>${t('villages.none')}</p>` : html`<${TableWrap}><table>
        <caption class="sr-only">${t('villages.title')}</caption>
        <thead><tr><th scope="col">${t('villages.village')}</th><th scope="col">${t('villages.kecamatan')}</th><th scope="col">${t('villages.library')}</th><th scope="col">${t('villages.this_month')}</th></tr></thead>
        <tbody>${state.data.villages.map((v) => {
          const figure = state.data.figures.get(v.village_code);
          const reported = (figure?.indicators.villages_reporting.value || 0) > 0;
          return html`<tr data-code=${v.village_code}><td>${v.village_name} <span class="muted">${v.village_code}</span></td><td>${v.kecamatan_name}</td><td>${v.library_name}</td>
            <td>${reported ? html`<${Badge} kind="ok">${t('villages.reported')}</${Badge}>` : html`<${Badge} kind="warn">${t('villages.not_reported')}</${Badge}>`}
            ${figure ? html` <span class="muted">${num(figure.indicators.visits.value)} ${t('ind.visits').toLowerCase()}</span>` : ''}</td></tr>`;
        })}</tbody></table></${TableWrap}>`}
    </section>`}
    ${state.data && can.manage(me) && html`<${Register} tenant=${me.tenant_id} registered=${registered} onDone=${state.reload} />`}
  </div>`;
}
