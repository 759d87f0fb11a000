// The app shell: header, navigation by role, language switch, sign-out, and a hash router.
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import i18next from 'i18next';
import './style.css';
import { KEY_ENDED, api } from './api.js';
import { startI18n, switchLanguage } from './i18n.js';
import { PAGES, forget, getKey, go } from './session.js';
import { Loading, Problem, RegencyName } from './ui.js';
import { SignIn, Welcome } from './pages/signin.js';
import { SignUp } from './pages/signup.js';
import { Villages } from './pages/villages.js';
import { Keys } from './pages/keys.js';
import { Reports } from './pages/reports.js';
import { Indicators } from './pages/indicators.js';
import { Commitments } from './pages/commitments.js';
import { National } from './pages/national.js';
import { Admin } from './pages/admin.js';

const VIEWS = { villages: Villages, keys: Keys, reports: Reports, indicators: Indicators, commitments: Commitments, national: National, admin: Admin };
const t = (key, options) => i18next.t(key, options);

function route() {
  const [name = '', ...rest] = window.location.hash.replace(/^#\/?/, '').split('/');
  return { name, arg: rest.join('/') || null };
}

function App() {
  const [, setLang] = useState(i18next.language);
  const [where, setWhere] = useState(route());
  const [session, setSession] = useState({ loading: Boolean(getKey()), me: null, error: null });
  const [welcome, setWelcome] = useState(null); // the page that greets a new sign-in with what its role may do

  useEffect(() => {
    const onHash = () => {
      setWhere(route());
      setWelcome((page) => (page === route().name ? page : null)); // greets on the first page only
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const ended = (event) => { // back to sign-in, saying why, instead of a page whose every call is refused
      forget();
      setWelcome(null);
      setSession({ loading: false, me: null, error: event.detail });
      go('signin');
    };
    window.addEventListener(KEY_ENDED, ended);
    return () => window.removeEventListener(KEY_ENDED, ended);
  }, []);

  const loadMe = () => {
    if (!getKey()) return setSession({ loading: false, me: null, error: null });
    setSession({ loading: true, me: null, error: null });
    return api.get('/v1/me').then(
      (me) => setSession({ loading: false, me, error: null }),
      (error) => { if (error.status === 401) forget(); setSession({ loading: false, me: null, error }); },
    );
  };
  useEffect(() => { loadMe(); }, []);

  const signOut = () => { forget(); setWelcome(null); setSession({ loading: false, me: null, error: null }); go('signin'); };
  const language = () => setLang(switchLanguage());
  const me = session.me;
  const allowed = me ? PAGES[me.role] || [] : [];

  let body;
  if (where.name === 'signup') body = html`<${SignUp} arg=${where.arg} />`;
  else if (session.loading) body = html`<${Loading} />`;
  else if (!me) body = html`<${SignIn} failure=${session.error} onSignedIn=${(who) => { setSession({ loading: false, me: who, error: null }); setWelcome(PAGES[who.role][0]); go(PAGES[who.role][0]); }} />`;
  else if (!allowed.includes(where.name)) {
    if (where.name && where.name !== 'signin') body = html`<div class="page"><${Problem} error=${{ message: t('errors.not_for_role') }} /></div>`;
    else { go(allowed[0]); body = html`<${Loading} />`; }
  } else {
    const View = VIEWS[where.name];
    body = html`<${View} me=${me} arg=${where.arg} key=${where.name} />`;
  }

  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>${t('skip')}</a>
    <header class="top">
      <a class="brand" href=${me ? `#/${allowed[0]}` : '#/signin'}>TPBIS</a>
      ${me && html`<nav aria-label=${t('nav.label')}><ul>${allowed.map((name) => html`<li><a href=${`#/${name}`} aria-current=${where.name === name ? 'page' : undefined}>${t(`nav.${name}`)}</a></li>`)}</ul></nav>`}
      <div class="actions">
        ${me && html`<span class="who">${t(`roles.${me.role}`)}${me.tenant_id && html` · <${RegencyName} code=${me.tenant_id} />`}</span>`}
        <button class="btn link" lang=${i18next.language === 'en' ? 'id' : 'en'} onClick=${language}>${i18next.language === 'en' ? 'Bahasa Indonesia' : 'English'}</button>
        ${me && html`<button class="btn secondary" onClick=${signOut}>${t('signout')}</button>`}
      </div>
    </header>
    <main id="main" tabindex="-1">${me && welcome === where.name && !where.arg && html`<div class="page"><${Welcome} me=${me} onClose=${() => setWelcome(null)} /></div>`}${body}</main>
    <footer class="foot"><p>${t('footer')}</p></footer>`;
}

startI18n();
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
