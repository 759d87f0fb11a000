// A regency office applies: its regency chosen from the area list by name, then the pending state.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import i18next from 'i18next';
import { api } from '../api.js';
import { matches, regencies } from '../areas.js';
import { go } from '../session.js';
import { dateTime } from '../format.js';
import { Button, Input, Loading, PageTitle, Problem, useAction, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);
const FIELDS = ['regency_code', 'office_name', 'contact_name', 'contact_email'];

function RegencyPicker({ value, onChoose, error }) {
  const list = useLoad(() => regencies(), []);
  const [query, setQuery] = useState('');
  if (list.loading) return html`<${Loading} label=${t('signup.loading_areas')} />`;
  if (list.error) return html`<${Problem} error=${list.error} onRetry=${list.reload} />`;
  const found = query.trim().length >= 2 ? list.data.filter((r) => matches(`${r.name} ${r.province_name} ${r.code}`, query)).slice(0, 8) : [];
  const chosen = list.data.find((r) => r.code === value);
  return html`<div class="picker">
    <${Input} id="regency" label=${t('signup.regency')} value=${query} autocomplete="off" hint=${t('signup.regency_hint')}
      onInput=${(e) => { setQuery(e.currentTarget.value); onChoose(null); }} error=${error && query.trim() && !chosen ? t('signup.pick_from_list') : error} />
    ${chosen ? html`<p class="chosen" role="status" data-testid="chosen-regency">${t('signup.chosen')}: <strong>${chosen.name}</strong>, ${chosen.province_name} (${chosen.code})</p>`
      : found.length > 0 && html`<ul class="matches" aria-label=${t('signup.matches')}>${found.map((r) => html`<li>
        <button type="button" class="btn option" onClick=${() => { onChoose(r.code); setQuery(r.name); document.getElementById('regency')?.focus(); }}>${r.name} <span class="muted">${r.province_name} · ${r.code}</span></button>
      </li>`)}</ul>`}
    ${!chosen && query.trim().length >= 2 && found.length === 0 && html`<p class="muted">${t('signup.no_match')}</p>`}
  </div>`;
}

function Status({ id }) {
  const state = useLoad(() => api.get(`/v1/signup/${encodeURIComponent(id)}`), [id]);
  if (state.loading) return html`<${Loading} />`;
  if (state.error) return html`<${Problem} error=${state.error} onRetry=${state.reload} />`;
  const a = state.data.application;
  return html`<div class="notice" data-testid="application-status">
    <p><strong>${t(`signup.status.${a.status}`)}</strong></p>
    <p>${a.office_name} · ${a.regency_name} (${a.tenant_id})</p>
    <p class="muted">${t('signup.applied')}: ${dateTime(a.created_at)}${a.status === 'pending' ? ` · ${t('signup.expires')}: ${dateTime(a.expires_at)}` : ''}</p>
    ${a.reason && html`<p>${t('signup.reason')}: ${a.reason}</p>`}
    <button class="btn secondary" onClick=${state.reload}>${t('refresh')}</button>
  </div>`;
}

export function SignUp({ arg }) {
  const [form, setForm] = useState({ regency_code: null, office_name: '', contact_name: '', contact_email: '' });
  const [sent, setSent] = useState(null);
  const action = useAction();
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const submit = async (event) => {
    event.preventDefault();
    const answer = await action.run(() => api.post('/v1/signup', form, { key: null }));
    if (answer) {
      setSent(answer);
      if (answer.application_id) go('signup', answer.application_id);
    }
  };
  if (arg) {
    return html`<div class="page narrow"><${PageTitle}>${t('signup.title')}</${PageTitle}><${Status} id=${arg} />
      <p class="muted">${t('signup.bookmark')}</p><p><a href="#/signin">${t('signup.to_signin')}</a></p></div>`;
  }
  if (sent) {
    return html`<div class="page narrow"><${PageTitle}>${t('signup.title')}</${PageTitle}>
      <div class="notice" data-testid="application-status"><p><strong>${t('signup.status.pending')}</strong></p>
      <p>${t('signup.pending_text', { tenant: sent.tenant_id })}</p></div>
      <p><a href="#/signin">${t('signup.to_signin')}</a></p></div>`;
  }
  return html`<div class="page narrow">
    <${PageTitle}>${t('signup.title')}</${PageTitle}>
    <p>${t('signup.intro')}</p>
    <form onSubmit=${submit} novalidate>
      <${RegencyPicker} value=${form.regency_code} onChoose=${(code) => setForm((f) => ({ ...f, regency_code: code }))} error=${action.field('regency_code')} />
      <${Input} id="office_name" label=${t('signup.office_name')} value=${form.office_name} onInput=${set('office_name')} error=${action.field('office_name')} required />
      <${Input} id="contact_name" label=${t('signup.contact_name')} value=${form.contact_name} onInput=${set('contact_name')} error=${action.field('contact_name')} required autocomplete="name" />
      <${Input} id="contact_email" label=${t('signup.contact_email')} type="email" value=${form.contact_email} onInput=${set('contact_email')} error=${action.field('contact_email')} required autocomplete="email" />
      <${Problem} error=${action.error} shown=${FIELDS} />
      <${Button} type="submit" busy=${action.busy}>${t('signup.submit')}</${Button}>
    </form>
    <p><a href="#/signin">${t('signup.have_key')}</a></p>
  </div>`;
}
