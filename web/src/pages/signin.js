// Sign in with an access key: kept in sessionStorage only, checked against GET /v1/me.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import i18next from 'i18next';
import { api } from '../api.js';
import { forget, setKey } from '../session.js';
import { Button, Input, PageTitle, Problem, RegencyName, messageOf, useAction } from '../ui.js';

const t = (k, o) => i18next.t(k, o);
const ROLES = ['district_admin', 'operator', 'viewer', 'national_viewer', 'platform_admin'];

export function SignIn({ onSignedIn, failure }) {
  const [secret, setSecret] = useState('');
  const [empty, setEmpty] = useState(false); // sent with no key: said beside the field (the button stays usable)
  const action = useAction();
  const submit = async (event) => {
    event.preventDefault();
    if (!secret.trim()) {
      setEmpty(true);
      document.getElementById('access-key')?.focus();
      return;
    }
    const who = await action.run(async () => {
      try {
        return await api.get('/v1/me', {}, { key: secret.trim() });
      } catch (error) {
        forget();
        throw error;
      }
    });
    if (who) {
      setKey(secret.trim());
      onSignedIn(who);
    }
  };
  const error = action.error || (failure && failure.status !== 401 ? failure : null);
  return html`<div class="page narrow">
    <${PageTitle}>${t('signin.title')}</${PageTitle}>
    ${failure?.status === 401 && !action.error && html`<p class="notice warn" role="alert" data-testid="key-ended">${t('signin.key_ended')}</p>`}
    <p>${t('signin.intro')}</p>
    <form onSubmit=${submit} novalidate>
      <${Input} id="access-key" label=${t('signin.key')} type="password" autocomplete="off" required value=${secret}
        onInput=${(e) => { setSecret(e.currentTarget.value); setEmpty(false); }}
        error=${empty ? t('problems.required') : action.error?.status === 401 ? messageOf(action.error) : null}
        hint=${t('signin.key_hint')} />
      ${error && error.status !== 401 && html`<${Problem} error=${error} />`}
      <${Button} type="submit" busy=${action.busy}>${t('signin.submit')}</${Button}>
    </form>
    <p><a href="#/signup">${t('signin.no_key')}</a></p>
    <section aria-labelledby="roles-title">
      <h2 id="roles-title">${t('signin.roles_title')}</h2>
      <dl class="roles">${ROLES.map((role) => html`<dt>${t(`roles.${role}`)}</dt><dd>${t(`abilities.${role}`)}</dd>`)}</dl>
    </section>
  </div>`;
}

/** After sign-in: what this key's role may do. */
export function Welcome({ me, onClose }) {
  return html`<div class="notice" role="status">
    <p><strong>${t('signin.welcome', { role: t(`roles.${me.role}`) })}</strong>${me.tenant_id && html` · <${RegencyName} code=${me.tenant_id} />`}</p>
    <p>${t(`abilities.${me.role}`)}</p>
    <button class="btn link" onClick=${onClose}>${t('close')}</button>
  </div>`;
}
