// Keys of the regency office: make operator and viewer keys (secret shown once, ODK Collect QR), revoke.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import i18next from 'i18next';
import { all, api } from '../api.js';
import { dateTime, endOfLocalDay } from '../format.js';
import { Ask, Badge, Button, Input, Loading, PageTitle, Problem, Secret, Select, Shown, TableWrap, useAction, useLoad } from '../ui.js';

const t = (k, o) => i18next.t(k, o);

/** The QR code from the API's SVG text, shown as an image from a blob URL (never parsed into the page). */
function CollectQr({ collect }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    if (!collect?.qr_svg) return undefined;
    const made = URL.createObjectURL(new Blob([collect.qr_svg], { type: 'image/svg+xml' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [collect]);
  if (!collect) return null;
  return html`<div class="qr">
    <h3>${t('keys.collect_title')}</h3>
    ${url && html`<img src=${url} alt=${t('keys.qr_alt')} width="240" height="240" data-testid="collect-qr" />`}
    <p>${t('keys.collect_text')}</p>
    ${collect.server_url && html`<p class="muted">${t('keys.server_url')}: <code>${collect.server_url}</code></p>`}
  </div>`;
}

/** The key just made, its secret shown once: held by the page, so a list that fails to reload keeps it. */
function Issued({ issued, onHide }) {
  return html`<${Shown} data-testid="issued-key"><p>${t('keys.issued', { label: issued.label, role: t(`roles.${issued.role}`) })}</p>
    <${Secret} value=${issued.secret} /><${CollectQr} collect=${issued.collect} />
    <button class="btn link" onClick=${onHide}>${t('keys.hide_secret')}</button></${Shown}>`;
}

function NewKey({ villages, onMade }) {
  const [form, setForm] = useState({ role: 'operator', label: '', villages: [], expires: '' });
  const action = useAction();
  const toggle = (code) => setForm({ ...form, villages: form.villages.includes(code) ? form.villages.filter((c) => c !== code) : [...form.villages, code] });
  const submit = async (event) => {
    event.preventDefault();
    const body = { role: form.role, label: form.label, villages: form.role === 'operator' ? form.villages : [] };
    if (form.expires) body.expires_at = endOfLocalDay(form.expires); // the end of that day where the office is
    const answer = await action.run(() => api.post('/v1/keys', body));
    if (answer) {
      setForm({ role: form.role, label: '', villages: [], expires: '' });
      onMade(answer);
    }
  };
  return html`<section class="card" aria-labelledby="new-key-title">
    <h2 id="new-key-title">${t('keys.new_title')}</h2>
    <form onSubmit=${submit} novalidate>
      <${Select} id="key-role" label=${t('keys.role')} value=${form.role} onChange=${(e) => setForm({ ...form, role: e.currentTarget.value })} error=${action.field('role')}
        options=${['operator', 'viewer', 'district_admin'].map((r) => [r, t(`roles.${r}`)])} />
      <${Input} id="key-label" label=${t('keys.label')} value=${form.label} onInput=${(e) => setForm({ ...form, label: e.currentTarget.value })} error=${action.field('label')} hint=${t('keys.label_hint')} required />
      ${form.role === 'operator' && html`<fieldset class="checklist" aria-describedby=${action.field('villages') ? 'key-villages-error' : undefined}>
        <legend>${t('keys.villages')}</legend>
        ${villages.length === 0 && html`<p class="muted">${t('keys.no_villages')}</p>`}
        ${villages.map((v) => html`<label class="check"><input type="checkbox" checked=${form.villages.includes(v.village_code)} onChange=${() => toggle(v.village_code)} />
          <span>${v.village_name}</span> <span class="muted">${v.village_code}</span></label>`)}
        ${action.field('villages') && html`<p class="field-error" id="key-villages-error" role="alert">${action.field('villages')}</p>`}
      </fieldset>`}
      <${Input} id="key-expires" type="date" label=${t('keys.expires')} hint=${t('keys.expires_hint')} value=${form.expires}
        onInput=${(e) => setForm({ ...form, expires: e.currentTarget.value })} error=${action.field('expires_at')} />
      <${Problem} error=${action.error} shown=${['role', 'label', 'villages', 'expires_at']} />
      <${Button} type="submit" busy=${action.busy}>${t('keys.make')}</${Button}>
    </form>
  </section>`;
}

function KeyRow({ item, names, onRevoked, yours }) {
  const action = useAction();
  const status = item.status || 'active';
  return html`<tr data-key=${item.key_id}>
    <td>${item.label}${yours ? html` <${Badge} kind="state">${t('keys.yours')}</${Badge}>` : ''}</td><td>${t(`roles.${item.role}`)}</td>
    <td>${item.villages.map((c) => names.get(c) || c).join(', ') || '–'}</td>
    <td>${dateTime(item.created_at)}</td><td>${item.last_used_at ? dateTime(item.last_used_at) : '–'}</td><td>${item.expires_at ? dateTime(item.expires_at) : '–'}</td>
    <td><${Badge} kind=${status === 'active' ? 'ok' : 'warn'}>${t(`keys.status.${status}`)}</${Badge}>${status === 'revoked' && item.revoked_at ? html`<br /><span class="muted">${dateTime(item.revoked_at)}</span>` : ''}</td>
    <td>${status === 'active' && html`<${Ask} label=${t('keys.revoke')} named=${t('keys.revoke_named', { label: item.label })}
        question=${t(yours ? 'keys.revoke_yours_question' : 'keys.revoke_question', { label: item.label })} confirm=${t('keys.confirm_revoke')}
        action=${action} call=${() => api.del(`/v1/keys/${item.key_id}`)} onDone=${() => onRevoked(item)} />`}
      <${Problem} error=${action.error} /></td>
  </tr>`;
}

const STATUSES = ['active', 'revoked', 'expired'];

/** The office's keys of one status (active ones first; revoked and expired ones for who had access when):
 * the list of another status is not shown while the one asked for loads. */
function KeyList({ names, made, onRevoked, me }) {
  const [status, setStatus] = useState('active');
  const state = useLoad(async () => ({ status, keys: await all('/v1/keys', { status }) }), [status, made]);
  const listed = state.data?.status === status ? state.data : null;
  const keys = listed?.keys || [];
  return html`<section aria-labelledby="keys-list-title"><h2 id="keys-list-title">${t('keys.list_title')}</h2>
    <div class="list-filter"><${Select} id="keys-status" label=${t('keys.shown')} value=${status}
      onChange=${(e) => setStatus(e.currentTarget.value)} options=${STATUSES.map((s) => [s, t(`keys.status.${s}`)])} /></div>
    ${state.loading && html`<${Loading} />`}
    <${Problem} error=${state.error} onRetry=${state.reload} />
    ${listed && html`<${TableWrap}><table><thead><tr>
        <th scope="col">${t('keys.label')}</th><th scope="col">${t('keys.role')}</th><th scope="col">${t('keys.villages')}</th>
        <th scope="col">${t('keys.created')}</th><th scope="col">${t('keys.last_used')}</th><th scope="col">${t('keys.expires_col')}</th><th scope="col">${t('keys.state')}</th><th scope="col"><span class="sr-only">${t('keys.actions')}</span></th>
      </tr></thead><tbody>
        ${keys.length === 0 && html`<tr><td colspan="8">${t(`keys.none.${status}`)}</td></tr>`}
        ${keys.map((k) => html`<${KeyRow} key=${k.key_id} item=${k} names=${names} yours=${k.key_id === me?.key_id} onRevoked=${(key) => { onRevoked(key); state.reload(); }} />`)}
      </tbody></table></${TableWrap}>`}
  </section>`;
}

export function Keys({ me }) {
  const [issued, setIssued] = useState(null);
  const [revoked, setRevoked] = useState(null); // the key just revoked: said where the keyboard now is
  const revoke = (key) => {
    setRevoked(key);
    setIssued((shown) => (shown?.key_id === key.key_id ? null : shown)); // its secret no longer opens anything
  };
  const [made, setMade] = useState(0);
  const villages = useLoad(() => all('/v1/villages'), []);
  const names = new Map((villages.data || []).map((v) => [v.village_code, v.village_name]));
  return html`<div class="page">
    <${PageTitle}>${t('keys.title')}</${PageTitle}>
    ${issued && html`<${Issued} key=${issued.secret} issued=${issued} onHide=${() => setIssued(null)} />`}
    ${revoked && html`<${Shown} key=${revoked.key_id} data-testid="revoked-key"><p>${t('keys.revoked', { label: revoked.label })}</p></${Shown}>`}
    ${villages.loading && html`<${Loading} />`}
    <${Problem} error=${villages.error} onRetry=${villages.reload} />
    ${villages.data && html`<${NewKey} villages=${villages.data} onMade=${(key) => { setIssued(key); setRevoked(null); setMade((n) => n + 1); }} />
    <${KeyList} names=${names} made=${made} onRevoked=${revoke} me=${me} />`}
  </div>`;
}
