// Reports: filter by village, type and dates; open one with its history; correct it (version check) or void it.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import i18next from 'i18next';
import { all, api } from '../api.js';
import { date, dateTime, num } from '../format.js';
import { CHOICES, TYPES, headline } from '../reports.js';
import { can, go } from '../session.js';
import { Ask, Badge, Button, Input, Loading, PageTitle, Problem, Select, Shown, TableWrap, useAction, useDone, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);

function Filters({ villages, value, onChange }) {
  const [draft, setDraft] = useState(value);
  const set = (name) => (e) => setDraft({ ...draft, [name]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  return html`<form class="filters card" onSubmit=${(e) => { e.preventDefault(); onChange(draft); }}>
    <${Select} id="f-village" label=${t('reports.village')} value=${draft.village_code} onChange=${set('village_code')}
      options=${[['', t('reports.all_villages')], ...villages.map((v) => [v.village_code, `${v.village_name} (${v.village_code})`])]} />
    <${Select} id="f-type" label=${t('reports.type')} value=${draft.type} onChange=${set('type')} options=${[['', t('reports.all_types')], ...Object.keys(TYPES).map((k) => [k, t(`types.${k}`)])]} />
    <${Input} id="f-from" type="date" label=${t('reports.from')} value=${draft.from} onInput=${set('from')} />
    <${Input} id="f-to" type="date" label=${t('reports.to')} value=${draft.to} onInput=${set('to')} />
    <label class="check"><input type="checkbox" checked=${draft.include_void} onChange=${set('include_void')} /> ${t('reports.include_void')}</label>
    <${Button} type="submit">${t('reports.apply')}</${Button}>
  </form>`;
}

/** One listing per filters (keyed by them: new filters start again at the first page, as their cursors
 * must); "more" adds the next page below the rows already shown. */
function List({ filters, names }) {
  const [cursor, setCursor] = useState(null);
  const [earlier, setEarlier] = useState([]);
  const state = useLoad(() => api.get('/v1/reports', { ...filters, include_void: filters.include_void ? 'true' : '', limit: 50, cursor }), [cursor]);
  if (state.loading && earlier.length === 0) return html`<${Loading} />`;
  if (state.error && earlier.length === 0) return html`<${Problem} error=${state.error} onRetry=${state.reload} shown=${[]} />`;
  const page = state.loading || state.error ? [] : state.data.items;
  const items = [...earlier, ...page];
  const more = () => { setEarlier(items); setCursor(state.data.next_cursor); };
  return html`<${TableWrap}><table data-testid="reports-table"><thead><tr>
    <th scope="col">${t('reports.date')}</th><th scope="col">${t('reports.village')}</th><th scope="col">${t('reports.type')}</th><th scope="col">${t('reports.figure')}</th><th scope="col">${t('reports.state')}</th>
  </tr></thead><tbody>
    ${items.length === 0 && html`<tr><td colspan="5">${t('reports.none')}</td></tr>`}
    ${items.map((r) => html`<tr data-id=${r.submission_id}><td><a href=${`#/reports/${r.submission_id}`}>${date(r.date)}</a></td><td>${names.get(r.village_code) || r.village_code}</td>
      <td>${t(`types.${r.type}`)}</td><td>${typeof headline(r) === 'number' ? num(headline(r)) : headline(r)}</td>
      <td>${r.status === 'void' ? html`<${Badge} kind="warn">${t('reports.void')}</${Badge}>` : html`v${r.version}`}
        ${r.status !== 'void' && r.needs_review && html` <${Badge} kind="warn">${t('reports.needs_review')}</${Badge}>`}</td></tr>`)}
  </tbody></table></${TableWrap}>
  ${state.loading && html`<${Loading} />`}
  <${Problem} error=${state.error} onRetry=${state.reload} shown=${[]} />
  ${!state.loading && !state.error && state.data.next_cursor && html`<button class="btn secondary" onClick=${more}>${t('more')}</button>`}`;
}

function value(kind, raw) {
  if (raw === '' || raw === undefined || raw === null) return null;
  return kind === 'count' ? Number(raw) : raw;
}

function Correct({ report, onSaved }) {
  const fields = TYPES[report.type];
  const [form, setForm] = useState(() => Object.fromEntries([['date', report.date], ...fields.map(([name]) => [name, report[name] ?? ''])]));
  const action = useAction();
  const save = async (event) => {
    event.preventDefault();
    const body = { type: report.type, village_code: report.village_code, date: form.date, expected_version: report.version };
    if (report.recorded_at) body.recorded_at = report.recorded_at;
    for (const [name, kind] of fields) {
      const v = value(kind, form[name]);
      if (v !== null) body[name] = v;
    }
    if (await action.run(() => api.put(`/v1/reports/${report.submission_id}`, body))) onSaved();
  };
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  return html`<form class="card" onSubmit=${save} novalidate aria-labelledby="correct-title">
    <h2 id="correct-title">${t('reports.correct')}</h2>
    <div class="grid">
      <${Input} id="r-date" type="date" label=${t('reports.date')} value=${form.date} onInput=${set('date')} error=${action.field('date')} required />
      ${fields.map(([name, kind, required]) => (kind === 'choice'
        ? html`<${Select} id=${`r-${name}`} label=${t(`fields.${name}`)} value=${form[name]} onChange=${set(name)} error=${action.field(name)}
            options=${CHOICES[name].map((c) => [c, t(`choices.${c}`, { defaultValue: c })])} />`
        : html`<${Input} id=${`r-${name}`} label=${t(`fields.${name}`)} type=${kind === 'count' ? 'number' : kind === 'date' ? 'date' : kind === 'url' ? 'url' : 'text'}
            min=${kind === 'count' ? 0 : undefined} inputmode=${kind === 'count' ? 'numeric' : undefined} value=${form[name]} onInput=${set(name)} error=${action.field(name)} required=${required} />`))}
    </div>
    <${Problem} error=${action.error} shown=${['date', ...fields.map(([n]) => n)]} />
    <${Button} type="submit" busy=${action.busy}>${t('reports.save')}</${Button}>
  </form>`;
}

function Detail({ id, me, names }) {
  const state = useLoad(() => api.get(`/v1/reports/${id}`), [id]);
  const voiding = useAction();
  const [done, after] = useDone(state);
  if (state.loading && !state.data) return html`<${Loading} />`;
  if (state.error) return html`<${Problem} error=${state.error} onRetry=${state.reload} />`;
  const { report, history } = state.data;
  const fields = TYPES[report.type];
  return html`<div>
    <p><a href="#/reports">← ${t('reports.back')}</a></p>
    ${done && html`<${Shown} key=${`${done}-${report.version}`} data-testid="report-done"><p>${t(`reports.done.${done}`, { version: report.version })}</p></${Shown}>`}
    <section class="card" aria-labelledby="report-title">
      <h2 id="report-title">${t(`types.${report.type}`)} · ${date(report.date)} ${report.status === 'void' && html`<${Badge} kind="warn">${t('reports.void')}</${Badge}>`}</h2>
      <dl class="facts" data-testid="report-facts">
        <dt>${t('reports.village')}</dt><dd>${names.get(report.village_code) ? html`${names.get(report.village_code)} <span class="muted">${report.village_code}</span>` : report.village_code}</dd>
        <dt>${t('reports.version')}</dt><dd data-testid="report-version">${report.version}</dd>
        ${fields.filter(([n]) => report[n] !== undefined && report[n] !== null).map(([n, kind]) => html`<dt>${t(`fields.${n}`)}</dt><dd data-field=${n}>${shownValue(report[n], kind)}</dd>`)}
      </dl>
    </section>
    ${report.needs_review && html`<${Review} report=${report} me=${me} onReviewed=${after('reviewed')} />`}
    ${report.status !== 'void' && can.correct(me) && html`<${Correct} key=${report.version} report=${report} onSaved=${after('corrected')} />
      <div class="row"><${Ask} label=${t('reports.void_it')} question=${t('reports.void_question')} confirm=${t('reports.confirm_void')}
        action=${voiding} call=${() => api.del(`/v1/reports/${id}`)} onDone=${after('voided')} /></div>
      <${Problem} error=${voiding.error} />`}
    <section aria-labelledby="history-title"><h2 id="history-title">${t('reports.history')}</h2>
      <ol class="history">${history.map((h) => html`<li><strong>v${h.version} ${t(`reports.action.${h.action}`)}</strong> · ${dateTime(h.at)} · <span class="muted">${h.by}</span>
        ${h.changes.length > 0 && html`<ul>${h.changes.map((c) => html`<li>${changedName(c.field)}: ${changedValue(c.old)} → ${changedValue(c.new)}</li>`)}</ul>`}</li>`)}</ol>
    </section>
  </div>`;
}

const NO_END = '9999-12-31';

/** A changed field as the page names it (a report's field, its date, its state, its review). */
const changedName = (field) => t(`fields.${field}`, { defaultValue: t(`reports.changed.${field}`, { defaultValue: field }) });

function changedValue(value) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  if (typeof value === 'number') return num(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return date(value);
  return t(`reports.status_value.${value}`, { defaultValue: t(`choices.${value}`, { defaultValue: String(value) }) });
}

/** Why a report is on the review list, in the page's language: one figure outside its range. */
function reason(flag) {
  const field = t(`fields.${flag.field}`, { defaultValue: flag.field });
  return t(`reports.review_${flag.side}`, { field, value: num(flag.value), limit: num(flag.limit) });
}

/** A report on the review list: why, and for the district admin, marking it reviewed (its figures stand). */
function Review({ report, me, onReviewed }) {
  const action = useAction();
  const mark = async () => { if (await action.run(() => api.post(`/v1/reports/${report.submission_id}/review`))) onReviewed(); };
  return html`<section class="notice" aria-labelledby="review-title" data-testid="review">
    <h2 id="review-title">${t('reports.needs_review')}</h2>
    <ul>${report.review_flags.map((f) => html`<li>${reason(f)}</li>`)}</ul>
    <p class="muted">${t('reports.review_hint')}</p>
    ${can.manage(me) && html`<${Button} kind="secondary" busy=${action.busy} onClick=${mark}>${t('reports.mark_reviewed')}</${Button}>`}
    <${Problem} error=${action.error} />
  </section>`;
}

/** The reports waiting for the office's review, newest first (the first page; each opens to be reviewed). */
function ReviewList({ names }) {
  const state = useLoad(() => api.get('/v1/reviews', { limit: 20 }), []);
  const items = state.data?.items || [];
  if (!items.length) return html`<${Problem} error=${state.error} onRetry=${state.reload} />`;
  return html`<section class="notice" aria-labelledby="waiting-title" data-testid="review-list">
    <h2 id="waiting-title">${t('reports.waiting', { count: items.length })}${state.data.next_cursor ? '+' : ''}</h2>
    <ul>${items.map((r) => html`<li><a href=${`#/reports/${r.submission_id}`}>${date(r.date)} · ${names.get(r.village_code) || r.village_code} · ${t(`types.${r.type}`)}</a>
      — ${r.review_flags.map(reason).join('; ')}</li>`)}</ul>
  </section>`;
}

/** A report's value as the page shows it: counts and dates in the page's language, choices by name. */
function shownValue(value, kind) {
  if (kind === 'count') return num(value);
  if (kind === 'choice') return t(`choices.${value}`, { defaultValue: value });
  if (kind === 'date') return value === NO_END ? t('reports.no_end') : date(value);
  return value;
}

export function Reports({ me, arg }) {
  const [filters, setFilters] = useState({ village_code: '', type: '', from: '', to: '', include_void: false });
  const villages = useLoad(() => all('/v1/villages'), []);
  const names = new Map((villages.data || []).map((v) => [v.village_code, v.village_name]));
  return html`<div class="page">
    <${PageTitle}>${t('reports.title')}</${PageTitle}>
    ${arg ? html`<${Detail} key=${arg} id=${arg} me=${me} names=${names} />` : html`
      ${villages.loading && html`<${Loading} />`}
      <${Problem} error=${villages.error} onRetry=${villages.reload} />
      ${villages.data && html`<${ReviewList} names=${names} />`}
      ${villages.data && html`<${Filters} villages=${villages.data} value=${filters} onChange=${setFilters} /><${List} key=${JSON.stringify(filters)} filters=${filters} names=${names} />`}`}
  </div>`;
}
