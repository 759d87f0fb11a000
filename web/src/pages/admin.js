// The platform admin: sign-up applications to approve (first key shown once) or reject, tenants to suspend
// and re-approve, national viewer keys, and running the rollup now.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import i18next from 'i18next';
import { all, api } from '../api.js';
import { dateTime, num } from '../format.js';
import { Ask, Badge, Button, Input, Loading, PageTitle, Problem, Secret, Shown, TableWrap, useAction, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);

function ApplicationRow({ item, onChanged, onIssued }) {
  const [reason, setReason] = useState('');
  const action = useAction();
  const id = item.application_id;
  const approve = async () => {
    const answer = await action.run(() => api.post(`/v1/admin/signups/${id}/approve`));
    if (answer) { onIssued(answer); onChanged(); }
  };
  return html`<tr data-application=${id} data-tenant=${item.tenant_id}>
    <td>${item.regency_name} <span class="muted">${item.tenant_id} · ${item.province_name}</span></td>
    <td>${item.office_name}<br /><span class="muted">${item.contact_name} · ${item.contact_email}</span></td>
    <td>${dateTime(item.created_at)}<br /><span class="muted">${t('signup.expires')}: ${dateTime(item.expires_at)}</span></td>
    <td><div class="row"><${Button} busy=${action.busy} onClick=${approve} aria-label=${`${t('admin.approve')} ${item.regency_name}`}>${t('admin.approve')}</${Button}>
      <${Ask} label=${t('admin.reject')} named=${`${t('admin.reject')} ${item.regency_name}`} question=${t('admin.reject_question', { regency: item.regency_name })}
        confirm=${t('admin.confirm_reject')} action=${action} call=${() => api.post(`/v1/admin/signups/${id}/reject`, { reason })} onDone=${onChanged}>
        <${Input} id=${`reason-${id}`} label=${t('admin.reason')} value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} error=${action.field('reason')} required />
      </${Ask}></div>
      <${Problem} error=${action.error} shown=${['reason']} /></td></tr>`;
}

function TenantRow({ tenant, onChanged }) {
  const action = useAction();
  const post = (verb) => () => api.post(`/v1/admin/tenants/${tenant.tenant_id}/${verb}`);
  const reapprove = async () => { if (await action.run(post('approve'))) onChanged(); };
  const suspended = tenant.status === 'suspended';
  const named = (label) => `${label} ${tenant.regency_name}`;
  return html`<tr data-tenant=${tenant.tenant_id}>
    <td>${tenant.regency_name} <span class="muted">${tenant.tenant_id} · ${tenant.province_name}</span></td>
    <td>${tenant.office_name}<br /><span class="muted">${tenant.contact_name} · ${tenant.contact_email}</span></td>
    <td><${Badge} kind=${suspended ? 'warn' : 'ok'}>${t(`tenant_status.${tenant.status}`)}</${Badge}></td>
    <td>${suspended
      ? html`<${Button} busy=${action.busy} onClick=${reapprove} aria-label=${named(t('admin.reapprove'))}>${t('admin.reapprove')}</${Button}>`
      : html`<${Ask} kind="danger" label=${t('admin.suspend')} named=${named(t('admin.suspend'))} question=${t('admin.suspend_warning', { regency: tenant.regency_name })}
          confirm=${t('admin.confirm_suspend')} confirmNamed=${named(t('admin.confirm_suspend'))} action=${action} call=${post('suspend')} onDone=${onChanged} />`}
      <${Problem} error=${action.error} /></td></tr>`;
}

function Tenants() {
  const [issued, setIssued] = useState(null);
  const state = useLoad(async () => {
    const [pending, tenants] = await Promise.all([all('/v1/admin/signups', { status: 'pending' }), all('/v1/admin/tenants')]);
    return { pending, tenants: tenants.filter((x) => x.status !== 'pending') };
  }, []);
  const head = (cells) => html`<thead><tr>${cells.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>`;
  return html`<section aria-labelledby="tenants-title"><h2 id="tenants-title">${t('admin.tenants')}</h2>
    ${issued && html`<${Shown} key=${issued.admin_key.secret} data-testid="approved-key"><p>${t('admin.approved', { regency: issued.tenant.regency_name })}</p><${Secret} value=${issued.admin_key.secret} />
      ${issued.closed?.length > 0 && html`<p class="muted">${t('admin.closed', { count: issued.closed.length })}</p>`}
      <button class="btn link" onClick=${() => setIssued(null)}>${t('keys.hide_secret')}</button></${Shown}>`}
    ${state.loading && html`<${Loading} />`}<${Problem} error=${state.error} onRetry=${state.reload} />
    ${state.data && html`
      <${TableWrap}><table><caption>${t('admin.pending')}</caption>
        ${head([t('admin.regency'), t('admin.office'), t('admin.applied'), t('keys.actions')])}
        <tbody>${state.data.pending.length === 0 && html`<tr><td colspan="4">${t('admin.none_pending')}</td></tr>`}
        ${state.data.pending.map((x) => html`<${ApplicationRow} key=${x.application_id} item=${x} onChanged=${state.reload} onIssued=${setIssued} />`)}</tbody></table></${TableWrap}>
      <${TableWrap}><table><caption>${t('admin.others')}</caption>
        ${head([t('admin.regency'), t('admin.office'), t('admin.status'), t('keys.actions')])}
        <tbody>${state.data.tenants.length === 0 && html`<tr><td colspan="4">${t('admin.none')}</td></tr>`}
        ${state.data.tenants.map((x) => html`<${TenantRow} key=${x.tenant_id} tenant=${x} onChanged=${state.reload} />`)}</tbody></table></${TableWrap}>`}
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
    ${issued && html`<${Shown} key=${issued.secret} data-testid="national-key"><${Secret} value=${issued.secret} /></${Shown}>`}
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
