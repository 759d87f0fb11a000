// The platform admin: tenants waiting for approval, approve (first key shown once) and suspend, national
// viewer keys, and running the rollup now.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import i18next from 'i18next';
import { all, api } from '../api.js';
import { dateTime, num } from '../format.js';
import { Badge, Button, Input, Loading, PageTitle, Problem, Secret, useAction, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);

function TenantRow({ tenant, onChanged, onIssued }) {
  const action = useAction();
  const act = async (verb) => {
    const answer = await action.run(() => api.post(`/v1/admin/tenants/${tenant.tenant_id}/${verb}`));
    if (answer) { if (answer.admin_key) onIssued(answer); onChanged(); }
  };
  return html`<tr data-tenant=${tenant.tenant_id}>
    <td>${tenant.regency_name} <span class="muted">${tenant.tenant_id} · ${tenant.province_name}</span></td>
    <td>${tenant.office_name}<br /><span class="muted">${tenant.contact_name} · ${tenant.contact_email}</span></td>
    <td>${dateTime(tenant.created_at)}</td>
    <td><${Badge} kind=${tenant.status === 'pending' || tenant.status === 'suspended' ? 'warn' : 'ok'}>${t(`tenant_status.${tenant.status}`)}</${Badge}></td>
    <td>${tenant.status === 'pending' || tenant.status === 'suspended'
      ? html`<${Button} busy=${action.busy} onClick=${() => act('approve')} aria-label=${`${t('admin.approve')} ${tenant.regency_name}`}>${t('admin.approve')}</${Button}>`
      : html`<${Button} kind="danger" busy=${action.busy} onClick=${() => act('suspend')} aria-label=${`${t('admin.suspend')} ${tenant.regency_name}`}>${t('admin.suspend')}</${Button}>`}
      <${Problem} error=${action.error} /></td></tr>`;
}

function Tenants() {
  const [issued, setIssued] = useState(null);
  const state = useLoad(async () => {
    const [pending, every] = await Promise.all([all('/v1/admin/tenants', { status: 'pending' }), all('/v1/admin/tenants')]);
    return { pending, others: every.filter((x) => x.status !== 'pending') };
  }, []);
  const table = (items, caption, empty) => html`<div class="table-wrap" tabindex="0"><table><caption>${caption}</caption><thead><tr>
    <th scope="col">${t('admin.regency')}</th><th scope="col">${t('admin.office')}</th><th scope="col">${t('admin.applied')}</th><th scope="col">${t('admin.status')}</th><th scope="col"><span class="sr-only">${t('keys.actions')}</span></th></tr></thead>
    <tbody>${items.length === 0 && html`<tr><td colspan="5">${empty}</td></tr>`}${items.map((x) => html`<${TenantRow} key=${x.tenant_id} tenant=${x} onChanged=${state.reload} onIssued=${setIssued} />`)}</tbody></table></div>`;
  return html`<section aria-labelledby="tenants-title"><h2 id="tenants-title">${t('admin.tenants')}</h2>
    ${issued && html`<div class="notice" data-testid="approved-key"><p>${t('admin.approved', { regency: issued.tenant.regency_name })}</p><${Secret} value=${issued.admin_key.secret} />
      <button class="btn link" onClick=${() => setIssued(null)}>${t('keys.hide_secret')}</button></div>`}
    ${state.loading && html`<${Loading} />`}<${Problem} error=${state.error} onRetry=${state.reload} />
    ${state.data && html`${table(state.data.pending, t('admin.pending'), t('admin.none_pending'))}${table(state.data.others, t('admin.others'), t('admin.none'))}`}
  </section>`;
}

function NationalKey() {
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState(null);
  const action = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const answer = await action.run(() => api.post('/v1/admin/keys', { role: 'national_viewer', label }));
    if (answer) { setIssued(answer); setLabel(''); }
  };
  return html`<form class="card" onSubmit=${submit} novalidate aria-labelledby="nk-title"><h2 id="nk-title">${t('admin.national_key')}</h2>
    ${issued && html`<${Secret} value=${issued.secret} />`}
    <${Input} id="nk-label" label=${t('keys.label')} value=${label} onInput=${(e) => setLabel(e.currentTarget.value)} error=${action.field('label')} required />
    <${Problem} error=${action.error} shown=${['label']} />
    <${Button} type="submit" busy=${action.busy}>${t('keys.make')}</${Button}></form>`;
}

function Rollup() {
  const [summary, setSummary] = useState(null);
  const action = useAction();
  const run = async () => { const answer = await action.run(() => api.post('/v1/admin/jobs/rollup/run')); if (answer) setSummary(answer); };
  return html`<section class="card" aria-labelledby="rollup-title"><h2 id="rollup-title">${t('admin.rollup')}</h2>
    <p>${t('admin.rollup_text')}</p>
    <${Button} onClick=${run} busy=${action.busy}>${t('admin.run_rollup')}</${Button}>
    <${Problem} error=${action.error} />
    ${summary && html`<p role="status" data-testid="rollup-summary">${t('admin.rollup_done', { tenants: num(summary.tenants), villages: num(summary.villages), written: num(summary.aggregates_written) })}
      ${summary.tenants_deferred ? ` ${t('admin.deferred', { count: summary.tenants_deferred })}` : ''}${summary.tenants_failed.length ? ` ${t('admin.failed', { list: summary.tenants_failed.join(', ') })}` : ''}</p>`}
  </section>`;
}

export function Admin() {
  return html`<div class="page"><${PageTitle}>${t('admin.title')}</${PageTitle}><${Tenants} /><div class="grid two"><${Rollup} /><${NationalKey} /></div></div>`;
}
